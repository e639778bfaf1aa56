package onnx2mpc.runtime.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where every process of a run listens: the hosts file.
 *
 * <p>Format, one process per line: {@code ID HOST:PORT}, where ID is {@code 0 .. n-1} for the
 * parties and {@code dealer} for the dealer. HOST is a name or an IPv4 address, or an IPv6
 * address in brackets ({@code [::1]:9000}). Blank lines are ignored and {@code #} starts a
 * comment. Every process reads the same file. Example:
 *
 * <pre>
 * # two parties and the dealer on one machine
 * 0       127.0.0.1:9000
 * 1       127.0.0.1:9001
 * dealer  127.0.0.1:9100
 * </pre>
 *
 * <p>Who listens: on every connection the higher id dials the lower one, and the dealer counts
 * as lower than every party (id -1 in {@link Wire}). So party 0 and the dealer always listen,
 * party n-1 never does, and any process may start first: dialers retry until their deadline.
 * A process listens on its own line's port, on that address if it is a loopback address and on
 * all interfaces otherwise (a public name often does not resolve to a local interface).
 */
public final class Hosts {
  /** The dealer's id in a hosts file and on the wire. */
  public static final int DEALER = -1;

  private final Map<Integer, InetSocketAddress> addresses;
  private final String source;

  private Hosts(Map<Integer, InetSocketAddress> addresses, String source) {
    this.addresses = addresses;
    this.source = source;
  }

  /** Reads a hosts file. */
  public static Hosts read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses hosts-file text; {@code source} names it in errors ("hosts.txt:3: ...").
   *
   * @throws IllegalArgumentException on a malformed line, a repeated id or a repeated address
   */
  public static Hosts parse(String text, String source) {
    Map<Integer, InetSocketAddress> map = new TreeMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      String[] f = line.split("\\s+");
      if (f.length != 2) {
        throw new IllegalArgumentException(where + "expected 'ID HOST:PORT', but found '" + line
            + "'");
      }
      int id = parseId(f[0], where);
      if (map.containsKey(id)) {
        throw new IllegalArgumentException(where + Wire.label(id) + " is listed twice");
      }
      InetSocketAddress a = parseAddress(f[1], where);
      for (Map.Entry<Integer, InetSocketAddress> e : map.entrySet()) {
        if (e.getValue().equals(a)) {
          throw new IllegalArgumentException(where + Wire.label(id) + " has the address of "
              + Wire.label(e.getKey()) + ", " + f[1] + "; every process listens on its own port");
        }
      }
      map.put(id, a);
    }
    return new Hosts(map, source);
  }

  private static int parseId(String s, String where) {
    if (s.equals("dealer")) {
      return DEALER;
    }
    try {
      int id = Integer.parseInt(s);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + "expected a party id 0, 1, ... or 'dealer',"
        + " but found '" + s + "'");
  }

  private static InetSocketAddress parseAddress(String s, String where) {
    int colon = s.lastIndexOf(':');
    String host = colon > 0 ? s.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      host = ""; // an unbracketed IPv6 address is ambiguous
    }
    int port = -1;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException(where + "expected HOST:PORT with a port in 1..65535"
          + " (IPv6 in brackets), but found '" + s + "'");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Checks that the file lists exactly parties {@code 0 .. parties-1} and the dealer.
   *
   * @throws IllegalArgumentException naming the missing or unexpected ids
   */
  public Hosts requireProgram(int parties) {
    StringBuilder missing = new StringBuilder();
    for (int p = DEALER; p < parties; p++) {
      if (!addresses.containsKey(p)) {
        missing.append(missing.length() == 0 ? "" : ", ").append(p == DEALER ? "dealer" : p);
      }
    }
    StringBuilder extra = new StringBuilder();
    for (int id : addresses.keySet()) {
      if (id >= parties) {
        extra.append(extra.length() == 0 ? "" : ", ").append(id);
      }
    }
    if (missing.length() > 0 || extra.length() > 0) {
      throw new IllegalArgumentException(source + ": the program has " + parties
          + " parties and a dealer, so the file must list ids 0.." + (parties - 1)
          + " and 'dealer'" + (missing.length() > 0 ? "; missing: " + missing : "")
          + (extra.length() > 0 ? "; unexpected: " + extra : ""));
    }
    return this;
  }

  /** The address of party {@code id} or, for {@link #DEALER}, of the dealer (unresolved). */
  public InetSocketAddress address(int id) {
    InetSocketAddress a = addresses.get(id);
    if (a == null) {
      throw new IllegalArgumentException(source + " lists no " + Wire.label(id));
    }
    return a;
  }

  /** Whether the file lists this id. */
  public boolean has(int id) {
    return addresses.containsKey(id);
  }

  /** Where the file came from, for messages. */
  public String source() {
    return source;
  }

  /** "host:port" as written in the file. */
  static String show(InetSocketAddress a) {
    String h = a.getHostString();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }
}
