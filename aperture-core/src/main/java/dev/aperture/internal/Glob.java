package dev.aperture.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The configuration's two glob dialects, compiled to regular expressions once and cached.
 *
 * <ul>
 *   <li>single-segment ({@code model_cost_map}): {@code *} is any run of characters except {@code
 *       /}, {@code ?} is one character;
 *   <li>segmented ({@code grants.models}): {@code *} is any run within one {@code /}-separated
 *       segment, {@code **} is any run across segments, {@code ?} is one character except {@code
 *       /}.
 * </ul>
 */
public final class Glob {
  private static final ConcurrentHashMap<String, Pattern> SINGLE = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, Pattern> SEGMENTED = new ConcurrentHashMap<>();

  private Glob() {}

  /** The {@code model_cost_map} dialect. */
  public static Pattern compileSingleSegment(String glob) {
    return SINGLE.computeIfAbsent(glob, g -> compile(g, false));
  }

  /** The {@code grants.models} dialect. */
  public static Pattern compileSegmented(String glob) {
    return SEGMENTED.computeIfAbsent(glob, g -> compile(g, true));
  }

  private static Pattern compile(String glob, boolean doubleStarCrossesSegments) {
    StringBuilder re = new StringBuilder(glob.length() + 16);
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (c == '?') {
          re.append("[^/]");
        } else if (doubleStarCrossesSegments
            && i + 1 < glob.length()
            && glob.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
