package dev.aperture.testing;

/**
 * What the emulator answers a request with: a {@link Reply}, a {@link Failure} or a {@link
 * Refusal}.
 */
sealed interface Outcome permits Reply, Failure, Refusal {}
