package onnx2mpc.runtime.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Hosts files on free loopback ports, for tests. */
final class Loopback {
  private Loopback() {}

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parties 0..n-1 and the dealer, each on a free port of 127.0.0.1. */
  static String hostsText(int parties) {
    StringBuilder sb = new StringBuilder("# test run\n");
    for (int p = 0; p < parties; p++) {
      sb.append(p).append(" 127.0.0.1:").append(freePort()).append('\n');
    }
    sb.append("dealer 127.0.0.1:").append(freePort()).append("  # trusted dealer\n");
    return sb.toString();
  }

  static Hosts hosts(int parties) {
    return Hosts.parse(hostsText(parties), "hosts.txt");
  }
}
