package dev.aperture.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The project's Immutables style, applied per package in {@code package-info.java}: JDK collections
 * only, public generated {@code Immutable*} types with builders, plural attributes get singular
 * {@code add*} builder methods, builders have {@code clear()} (the OpenAI decoder and the Converse
 * answer reader keep one per thread and clear it between uses).
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    jdkOnly = true,
    depluralize = true,
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    defaults = @Value.Immutable(copy = true),
    clearBuilder = true)
public @interface ValueStyle {}
