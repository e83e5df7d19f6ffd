package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * JSON values an encoder writes again and again for the same object: a conversation resends its
 * tools and its history every turn, and the OpenAI decoder (or a caller's own history) hands them
 * back as the same objects. The value written for an object (compared by identity) and a variant
 * (compared with {@code equals}) the second time is kept, and copied from then on.
 *
 * <p>Only keys the {@code mayKeep} test accepts are remembered (the encoders accept small text-only
 * values); it runs on a miss only, since a kept key passed it and keys do not change. Anything else
 * is written as it comes and leaves no reference here. So what this holds is bounded by that test:
 * at most {@code slots} kept values of at most {@code maxBytes} (each as a {@code String} and its
 * UTF-8 bytes) and {@code slots} keys seen once. A value that comes out larger than {@code
 * maxBytes}, or whose bytes would not survive the trip through a {@code String} unchanged, is
 * remembered as one to write each time.
 *
 * <p>Each key has two places, its own slot and its pair ({@code slot ^ 1}), both for the mark of a
 * first writing and for the kept value, so that two values of one conversation that land on the
 * same slot, written in turn, are both kept rather than evicting each other. The kept bytes are
 * handed to the generator's output stream, which must not modify what it is given (none of the
 * library's streams does). The keys must be immutable, as the library's request objects are.
 */
final class WrittenValues<K, V> {
  /** Writes the value of {@code key} in {@code variant}; {@code index} only places errors. */
  interface Writer<K, V> {
    void write(JsonGenerator g, K key, V variant, int index) throws IOException;
  }

  /** A key, its variant, and the value written for them (null: too large, written each time). */
  private record Entry(Object key, Object variant, SerializedString json) {}

  // Racy by design: a slot holds an immutable entry or null, and a lost update is only a miss.
  private final Entry[] kept;
  // The key and variant last written once in each slot: plain references, so that a value met
  // once allocates nothing. A torn pair only makes a value kept early, and a kept value is always
  // written from its own key and variant.
  private final Object[] seenKeys;
  private final Object[] seenVariants;
  private final int maxBytes;
  private final Predicate<K> mayKeep;
  private final Writer<K, V> writer;

  /** {@code slots}: a power of two, at least 2. */
  WrittenValues(int slots, int maxBytes, Predicate<K> mayKeep, Writer<K, V> writer) {
    if (slots < 2 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, at least 2");
    }
    this.kept = new Entry[slots];
    this.seenKeys = new Object[slots];
    this.seenVariants = new Object[slots];
    this.maxBytes = maxBytes;
    this.mayKeep = mayKeep;
    this.writer = writer;
  }

  /** Writes the value of {@code key} in {@code variant}: its kept copy, or through the writer. */
  void write(JsonGenerator g, K key, V variant, int index) throws IOException {
    int slot = System.identityHashCode(key) & (kept.length - 1);
    Entry e = kept[slot];
    if (!matches(e, key, variant)) {
      e = kept[slot ^ 1];
      if (!matches(e, key, variant)) {
        e = null;
      }
    }
    if (e != null) {
      if (e.json != null) {
        g.writeRawValue(e.json);
      } else {
        writer.write(g, key, variant, index);
      }
      return;
    }
    if (!mayKeep.test(key)) {
      writer.write(g, key, variant, index);
      return;
    }
    int seen = seenAt(slot, key, variant);
    if (seen < 0) {
      writer.write(g, key, variant, index);
      int mark = freeOrEither(seenKeys, slot, key);
      seenKeys[mark] = key;
      seenVariants[mark] = variant;
      return;
    }
    byte[] bytes = encode(key, variant, index);
    SerializedString json = new SerializedString(new String(bytes, StandardCharsets.UTF_8));
    // SerializedString makes its bytes lazily and publishes them without a barrier: made here,
    // before the entry's final field freezes them, every thread that reads the entry sees them
    boolean same = Arrays.equals(json.asUnquotedUTF8(), bytes);
    kept[place(slot, key, variant)] =
        new Entry(key, variant, same && bytes.length <= maxBytes ? json : null);
    seenKeys[seen] = null;
    seenVariants[seen] = null;
    if (same) {
      g.writeRawValue(json);
    } else {
      writer.write(g, key, variant, index); // the writer's own bytes, which the copy would not be
    }
  }

  private static boolean matches(Entry e, Object key, Object variant) {
    return e != null && e.key == key && Objects.equals(e.variant, variant);
  }

  /** Which of the slot's two places marks {@code key} in {@code variant} as seen once; -1: none. */
  private int seenAt(int slot, Object key, Object variant) {
    if (seenKeys[slot] == key && Objects.equals(seenVariants[slot], variant)) {
      return slot;
    }
    if (seenKeys[slot ^ 1] == key && Objects.equals(seenVariants[slot ^ 1], variant)) {
      return slot ^ 1;
    }
    return -1;
  }

  /** The value's bytes, written apart; the generator's own errors come out as they would. */
  private byte[] encode(K key, V variant, int index) throws IOException {
    try {
      return WireJson.write(v -> writer.write(v, key, variant, index));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Where a new value of {@code slot} goes: the place that already holds it (two threads may keep
   * the same value at once), else a free one of its two places, else either.
   */
  private int place(int slot, Object key, Object variant) {
    if (matches(kept[slot], key, variant)) {
      return slot;
    }
    if (matches(kept[slot ^ 1], key, variant)) {
      return slot ^ 1;
    }
    return freeOrEither(kept, slot, key);
  }

  /** A free one of the slot's two places in {@code places}, else one chosen by the key. */
  private static int freeOrEither(Object[] places, int slot, Object key) {
    if (places[slot] == null) {
      return slot;
    }
    if (places[slot ^ 1] == null) {
      return slot ^ 1;
    }
    return ((System.identityHashCode(key) >>> 16) & 1) == 0 ? slot : slot ^ 1;
  }

  /** Whether anything about {@code key} is held (for tests). */
  boolean holds(Object key) {
    for (int i = 0; i < kept.length; i++) {
      Entry e = kept[i];
      if (seenKeys[i] == key || (e != null && e.key == key)) {
        return true;
      }
    }
    return false;
  }
}
