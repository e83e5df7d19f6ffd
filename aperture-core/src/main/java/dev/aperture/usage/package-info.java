/** Usage records (the gateway's "sessions"), listeners and the in-memory log. */
@ValueStyle
package dev.aperture.usage;

import dev.aperture.internal.ValueStyle;
