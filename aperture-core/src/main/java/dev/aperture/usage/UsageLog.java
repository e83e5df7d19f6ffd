package dev.aperture.usage;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The embedded default listener: keeps the most recent records in memory, oldest first, dropping
 * the oldest beyond its capacity. Thread-safe.
 */
public final class UsageLog implements UsageListener {
  private final int capacity;
  private final ArrayDeque<UsageRecord> records;

  private UsageLog(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, not " + capacity);
    }
    this.capacity = capacity;
    this.records = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** A log keeping at most {@code capacity} records. */
  public static UsageLog withCapacity(int capacity) {
    return new UsageLog(capacity);
  }

  @Override
  public synchronized void onUsage(UsageRecord record) {
    if (records.size() == capacity) {
      records.removeFirst();
    }
    records.addLast(record);
  }

  /** The kept records, oldest first (a copy). */
  public synchronized List<UsageRecord> records() {
    return List.copyOf(records);
  }

  public int capacity() {
    return capacity;
  }

  public synchronized int size() {
    return records.size();
  }
}
