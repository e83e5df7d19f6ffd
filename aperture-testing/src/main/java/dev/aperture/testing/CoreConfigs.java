package dev.aperture.testing;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ProviderConfig;
import java.lang.reflect.InvocationTargetException;

/**
 * Builds core's configuration values through their Immutables builders, by reflection.
 *
 * <p>Why reflection: the generated {@code Immutable*} classes carry {@code @Generated} annotations
 * whose class ({@code org.immutables.value.Generated}) is only a {@code provided} dependency of
 * core, so it is missing from this module's compile classpath. Naming those classes here — which
 * {@code ProviderConfig.builder()} does through its return type — makes javac warn ({@code
 * -Xlint:classfile}) and {@code -Werror} fail the build. Called reflectively, the builders produce
 * the very same immutable values. Once the Immutables annotations are on this module's compile
 * classpath, this class can become plain builder calls.
 */
final class CoreConfigs {
  private CoreConfigs() {}

  /** {@code ProviderConfig.builder()}, as an untyped builder for {@link #set}. */
  static Object providerBuilder() {
    return call(ProviderConfig.class, null, "builder");
  }

  /** {@code ApertureConfig.builder()}, as an untyped builder for {@link #set}. */
  static Object configBuilder() {
    return call(ApertureConfig.class, null, "builder");
  }

  /** Calls the builder's one-argument method {@code name}, declared to take {@code type}. */
  static void set(Object builder, String name, Class<?> type, Object value) {
    invoke(builder, name, new Class<?>[] {type}, value);
  }

  /** Calls the builder's two-argument method {@code name}. */
  static void set(
      Object builder, String name, Class<?> type1, Object v1, Class<?> type2, Object v2) {
    invoke(builder, name, new Class<?>[] {type1, type2}, v1, v2);
  }

  /** The builder's {@code build()}. */
  static <T> T build(Object builder, Class<T> type) {
    return type.cast(invoke(builder, "build", new Class<?>[0]));
  }

  private static Object call(Class<?> owner, Object target, String name) {
    try {
      return owner.getMethod(name).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw failure(name, e);
    }
  }

  private static Object invoke(Object builder, String name, Class<?>[] types, Object... args) {
    try {
      return builder.getClass().getMethod(name, types).invoke(builder, args);
    } catch (ReflectiveOperationException e) {
      throw failure(name, e);
    }
  }

  private static RuntimeException failure(String name, ReflectiveOperationException e) {
    if (e instanceof InvocationTargetException ite
        && ite.getCause() instanceof RuntimeException cause) {
      return cause; // e.g. the builder's own validation
    }
    return new IllegalStateException("core's configuration builder has no usable " + name, e);
  }
}
