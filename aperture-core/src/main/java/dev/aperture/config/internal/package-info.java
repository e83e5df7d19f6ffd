/**
 * How the configuration document is read: JSON with comments into a tree, {@code ${NAME}} macros,
 * and the mapping onto {@link dev.aperture.config.ApertureConfig} with every problem collected as a
 * {@link dev.aperture.config.ConfigIssue}. Not public API.
 */
package dev.aperture.config.internal;
