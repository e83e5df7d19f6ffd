package dev.aperture.access;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling: a login name, the groups they belong to, and the tags of a tagged machine. A
 * tagged caller's identity string is its sorted tags joined by commas.
 */
public record Identity(String login, Set<String> groups, Set<String> tags) {
  /** A caller nobody identified. */
  public static final Identity ANONYMOUS = new Identity("", Set.of(), Set.of());

  public Identity {
    Objects.requireNonNull(login, "login");
    groups = Set.copyOf(groups);
    tags = Set.copyOf(new TreeSet<>(tags));
  }

  /** A user known by login name only. */
  public static Identity of(String login) {
    return new Identity(login, Set.of(), Set.of());
  }

  /**
   * A tagged machine, e.g. {@code tag:ci}; tags are given with or without the {@code tag:} prefix.
   */
  public static Identity tagged(String... tags) {
    TreeSet<String> t = new TreeSet<>();
    for (String tag : tags) {
      t.add(tag.startsWith("tag:") ? tag : "tag:" + tag);
    }
    return new Identity("", Set.of(), t);
  }

  /** The caller's name as used in records and {@code <user>} quota buckets. */
  public String principal() {
    if (!tags.isEmpty()) {
      return String.join(",", new TreeSet<>(tags));
    }
    return login;
  }

  /** Sorted tags. */
  public List<String> sortedTags() {
    return List.copyOf(new TreeSet<>(tags));
  }

  public boolean isAnonymous() {
    return login.isEmpty() && tags.isEmpty();
  }

  @Override
  public String toString() {
    return isAnonymous() ? "(anonymous)" : principal();
  }
}
