package dev.aperture.config.internal;

import dev.aperture.config.ConfigIssue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects the issues found while reading one document. Not thread-safe: one instance per read.
 *
 * <p>A value that is already known to be unusable (an unresolved macro) is <em>silenced</em>: later
 * issues at or inside its path are counted but not listed, so one mistake gives one issue.
 */
final class Issues {
  private final List<ConfigIssue> issues = new ArrayList<>();
  private final List<String> silenced = new ArrayList<>();
  private final Map<String, Long> positions;
  private int errorCount;

  /**
   * @param positions where each path's value starts in the document (character offset); used to
   *     list issues in document order
   */
  Issues(Map<String, Long> positions) {
    this.positions = positions;
  }

  void error(String path, String message) {
    errorCount++;
    if (!isSilenced(path)) {
      issues.add(ConfigIssue.error(path, message));
    }
  }

  void warning(String path, String message) {
    if (!isSilenced(path)) {
      issues.add(ConfigIssue.warning(path, message));
    }
  }

  /** Stops listing issues at or inside {@code path}. */
  void silence(String path) {
    silenced.add(path);
  }

  /** Errors reported so far, including silenced ones. */
  int errorCount() {
    return errorCount;
  }

  /** Every listed issue, in document order (issues at one place keep the order they were found). */
  List<ConfigIssue> inDocumentOrder() {
    List<ConfigIssue> sorted = new ArrayList<>(issues);
    sorted.sort((a, b) -> Long.compare(position(a.path()), position(b.path())));
    return sorted;
  }

  /** The position of {@code path}'s value, or of its nearest ancestor present in the document. */
  private long position(String path) {
    String p = path;
    while (true) {
      Long at = positions.get(p);
      if (at != null) {
        return at;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return -1;
      }
      p = p.substring(0, cut);
    }
  }

  /** Whether issues at {@code path} are silenced (its value is already known to be unusable). */
  boolean isSilenced(String path) {
    for (String s : silenced) {
      if (ConfigPath.isWithin(path, s)) {
        return true;
      }
    }
    return false;
  }
}
