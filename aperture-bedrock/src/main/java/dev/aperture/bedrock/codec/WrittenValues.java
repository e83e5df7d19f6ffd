package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * JSON values an encoder writes again and again for the same object: a conversation resends its
 * tools and its history every turn, and the OpenAI decoder (or a caller's own history) hands them
 * back as the same objects. The value written for an object (compared by identity) and a variant
 * (compared with {@code equals}) the second time is kept, and copied from then on. An object met
 * once costs two reference stores; a value over the size limit is written each time.
 *
 * <p>The kept bytes are the ones the encoders' generators write (plain UTF-8, Jackson's default
 * escaping, every surrogate escaped), so valid UTF-8, which the {@link SerializedString} carries
 * unchanged. The keys must be immutable, as the library's request objects are.
 */
final class WrittenValues<K, V> {
  /** Writes the value of {@code key} in {@code variant}; {@code index} only places errors. */
  interface Writer<K, V> {
    void write(JsonGenerator g, K key, V variant, int index) throws IOException;
  }

  /** A key, its variant, and the value written for them. */
  private record Entry(Object key, Object variant, SerializedString json) {}

  // Racy by design: a slot holds an immutable entry or null, and a lost update is only a miss.
  private final Entry[] kept;
  // The key and variant last written once in each slot: plain references, so that a value met once
  // allocates nothing. A torn pair only makes a value kept early, and a kept value is always
  // written
  // from its own key and variant.
  private final Object[] seenKeys;
  private final Object[] seenVariants;
  private final int maxBytes;
  private final Writer<K, V> writer;

  /** {@code slots}: a power of two; what is kept is at most {@code slots × maxBytes}. */
  WrittenValues(int slots, int maxBytes, Writer<K, V> writer) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two");
    }
    this.kept = new Entry[slots];
    this.seenKeys = new Object[slots];
    this.seenVariants = new Object[slots];
    this.maxBytes = maxBytes;
    this.writer = writer;
  }

  void write(JsonGenerator g, K key, V variant, int index) throws IOException {
    int slot = System.identityHashCode(key) & (kept.length - 1);
    Entry e = kept[slot];
    if (e != null && e.key == key && Objects.equals(e.variant, variant)) {
      g.writeRawValue(e.json);
      return;
    }
    if (seenKeys[slot] != key || !Objects.equals(seenVariants[slot], variant)) {
      writer.write(g, key, variant, index);
      seenKeys[slot] = key;
      seenVariants[slot] = variant;
      return;
    }
    byte[] bytes = WireJson.write(v -> writer.write(v, key, variant, index));
    SerializedString json = new SerializedString(new String(bytes, StandardCharsets.UTF_8));
    if (bytes.length <= maxBytes) {
      // SerializedString makes its bytes lazily and publishes them without a barrier: made here,
      // before the entry's final field freezes them, every thread that reads the entry sees them
      json.asUnquotedUTF8();
      kept[slot] = new Entry(key, variant, json);
    }
    g.writeRawValue(json);
  }
}
