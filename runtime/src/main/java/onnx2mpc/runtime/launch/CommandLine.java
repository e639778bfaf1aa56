package onnx2mpc.runtime.launch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small GNU-style option parser ({@code --name VALUE} or {@code --name=VALUE}, flags without
 * values), so that the jars need no library for it. Errors are {@link LaunchException}s with
 * one line each.
 */
final class CommandLine {
  private final Map<String, List<String>> values = new HashMap<>();

  private CommandLine() {}

  /**
   * @param valued options that take a value, e.g. "--hosts"
   * @param repeatable the valued options that may appear more than once
   * @param flags options without a value, e.g. "--debug"
   */
  static CommandLine parse(String[] args, Set<String> valued, Set<String> repeatable,
      Set<String> flags) {
    CommandLine c = new CommandLine();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (flags.contains(name)) {
        if (value != null) {
          throw new LaunchException(name + " takes no value (see --help)");
        }
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new LaunchException(name + " needs a value (see --help)");
          }
          value = args[++i];
        }
        if (c.values.containsKey(name) && !repeatable.contains(name)) {
          throw new LaunchException(name + " given twice");
        }
      } else if (a.startsWith("-")) {
        throw new LaunchException("unknown option '" + name + "' (see --help)");
      } else {
        throw new LaunchException("unexpected argument '" + a + "' (see --help)");
      }
      c.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return c;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The option's value, or null. */
  String get(String name) {
    List<String> v = values.get(name);
    return v == null ? null : v.get(0);
  }

  String required(String name, String form) {
    String v = get(name);
    if (v == null) {
      throw new LaunchException("missing " + name + " " + form + " (see --help)");
    }
    return v;
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** A positive number of seconds (fractions allowed), or {@code otherwise}. */
  Duration seconds(String name, Duration otherwise) {
    String v = get(name);
    if (v == null) {
      return otherwise;
    }
    try {
      double s = Double.parseDouble(v);
      if (s > 0 && s < 1e9) {
        return Duration.ofNanos((long) (s * 1e9));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LaunchException(name + ": expected a positive number of seconds, but found '" + v
        + "'");
  }
}
