package onnx2mpc.ir;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Node attributes: an ordered map from name to a long, long[], double, double[], String or
 * {@link Tensor}. Getters name the attribute in their error messages.
 */
public final class Attrs {
  public static final Attrs NONE = new Attrs(Map.of());

  private final Map<String, Object> map;

  private Attrs(Map<String, Object> map) {
    this.map = map;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static Attrs of(Object... kv) {
    Builder b = builder();
    for (int i = 0; i < kv.length; i += 2) {
      b.put((String) kv[i], kv[i + 1]);
    }
    return b.build();
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(map);
  }

  public boolean has(String name) {
    return map.containsKey(name);
  }

  public Object get(String name) {
    return map.get(name);
  }

  public long getLong(String name) {
    Object v = require(name);
    if (v instanceof Long l) {
      return l;
    }
    throw typeError(name, "an integer", v);
  }

  public int getInt(String name) {
    return Math.toIntExact(getLong(name));
  }

  public long getLong(String name, long dflt) {
    return has(name) ? getLong(name) : dflt;
  }

  public int getInt(String name, int dflt) {
    return has(name) ? getInt(name) : dflt;
  }

  public long[] getLongs(String name) {
    Object v = require(name);
    if (v instanceof long[] l) {
      return l;
    }
    throw typeError(name, "a list of integers", v);
  }

  public long[] getLongs(String name, long[] dflt) {
    return has(name) ? getLongs(name) : dflt;
  }

  public int[] getInts(String name) {
    return Arrays.stream(getLongs(name)).mapToInt(Math::toIntExact).toArray();
  }

  public int[] getInts(String name, int[] dflt) {
    return has(name) ? getInts(name) : dflt;
  }

  public double getDouble(String name) {
    Object v = require(name);
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw typeError(name, "a number", v);
  }

  public double getDouble(String name, double dflt) {
    return has(name) ? getDouble(name) : dflt;
  }

  public String getString(String name, String dflt) {
    if (!has(name)) {
      return dflt;
    }
    Object v = map.get(name);
    if (v instanceof String s) {
      return s;
    }
    throw typeError(name, "a string", v);
  }

  public Tensor getTensor(String name) {
    Object v = require(name);
    if (v instanceof Tensor t) {
      return t;
    }
    throw typeError(name, "a tensor", v);
  }

  private Object require(String name) {
    Object v = map.get(name);
    if (v == null) {
      throw new IllegalArgumentException("expected attribute '" + name + "', but it is missing");
    }
    return v;
  }

  private static IllegalArgumentException typeError(String name, String want, Object got) {
    return new IllegalArgumentException(
        "expected attribute '" + name + "' to be " + want + ", but found " + format(got));
  }

  public Builder toBuilder() {
    Builder b = builder();
    map.forEach(b::put);
    return b;
  }

  public static String format(Object v) {
    if (v instanceof long[] l) {
      return Arrays.toString(l).replace(" ", "");
    }
    if (v instanceof double[] d) {
      return Arrays.toString(d).replace(" ", "");
    }
    if (v instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    if (v instanceof Double d) {
      return Double.toString(d);
    }
    return String.valueOf(v);
  }

  @Override
  public String toString() {
    if (map.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append('=').append(format(e.getValue()));
    }
    return sb.append('}').toString();
  }

  /** Builds an {@link Attrs}; ints and int[] are widened to long and long[]. */
  public static final class Builder {
    private final Map<String, Object> map = new LinkedHashMap<>();

    public Builder put(String name, Object value) {
      Object v = value;
      if (v instanceof Integer i) {
        v = (long) i;
      } else if (v instanceof int[] a) {
        v = Arrays.stream(a).asLongStream().toArray();
      } else if (v instanceof Float f) {
        v = (double) f;
      }
      if (!(v instanceof Long || v instanceof long[] || v instanceof Double
          || v instanceof double[] || v instanceof String || v instanceof Tensor)) {
        throw new IllegalArgumentException(
            "attribute '" + name + "' has unsupported type " + (v == null ? "null" : v.getClass()));
      }
      map.put(name, v);
      return this;
    }

    public Attrs build() {
      return new Attrs(new LinkedHashMap<>(map));
    }
  }
}
