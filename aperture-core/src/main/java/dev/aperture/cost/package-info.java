/** Prices and costs: the calculator interface, the bundled price table and cost values. */
@ValueStyle
package dev.aperture.cost;

import dev.aperture.internal.ValueStyle;
