package onnx2mpc.runtime.launch;

import onnx2mpc.runtime.net.NetOptions;
import onnx2mpc.runtime.net.Tls;

/**
 * The jars' {@code --transport}: {@code tls} (the default), mutual TLS 1.3 on every
 * connection, for processes on any machines; or {@code local}, for processes that all run on
 * one machine: plain TCP over loopback, every peer still authenticated with the jar's keys
 * (see {@code LocalAuth}), nothing encrypted. Either way the jar's key material is required.
 */
final class Transport {
  private Transport() {}

  /** {@code net} with the transport named by {@code value} (null: TLS) and the jar's keys. */
  static NetOptions apply(NetOptions net, String value, Tls keys) {
    if (value == null || value.equals("tls")) {
      return net.withTls(keys);
    }
    if (value.equals("local")) {
      return net.withLocal(keys);
    }
    throw new LaunchException("--transport: expected tls or local, but found '" + value + "'");
  }
}
