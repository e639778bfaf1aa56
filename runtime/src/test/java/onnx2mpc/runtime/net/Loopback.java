package onnx2mpc.runtime.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Hosts files on free loopback ports, for tests. */
final class Loopback {
  private Loopback() {}

  /**
   * {@code count} distinct free ports: every socket stays open until all are chosen, so the
   * system cannot hand out the same port twice.
   */
  static int[] freePorts(int count) {
    java.util.List<ServerSocket> held = new java.util.ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a listening socket that never accepted: nothing to report
        }
      }
    }
  }

  /** Parties 0..n-1 and the dealer, each on a distinct free port of 127.0.0.1. */
  static String hostsText(int parties) {
    int[] ports = freePorts(parties + 1);
    StringBuilder sb = new StringBuilder("# test run\n");
    for (int p = 0; p < parties; p++) {
      sb.append(p).append(" 127.0.0.1:").append(ports[p]).append('\n');
    }
    sb.append("dealer 127.0.0.1:").append(ports[parties]).append("  # trusted dealer\n");
    return sb.toString();
  }

  static Hosts hosts(int parties) {
    return Hosts.parse(hostsText(parties), "hosts.txt");
  }
}
