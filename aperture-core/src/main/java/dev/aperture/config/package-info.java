/**
 * The Aperture gateway configuration document: immutable values and the parser that reads them.
 * Start at {@link dev.aperture.config.ApertureConfig#parse(String)}.
 */
@ValueStyle
package dev.aperture.config;

import dev.aperture.internal.ValueStyle;
