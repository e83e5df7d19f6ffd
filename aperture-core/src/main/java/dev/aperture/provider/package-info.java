/**
 * The provider SPI: a {@link dev.aperture.provider.ProviderFactory} registered on the router
 * builder makes a {@link dev.aperture.provider.Provider} for each configured provider it
 * recognises.
 */
@ValueStyle
package dev.aperture.provider;

import dev.aperture.internal.ValueStyle;
