/**
 * The TCP transport (Netty) between the parties and the dealer.
 *
 * <p>{@link onnx2mpc.runtime.net.Hosts} reads the hosts file and fixes who dials whom;
 * {@link onnx2mpc.runtime.net.NetSession} and {@link onnx2mpc.runtime.net.NetDealerSession}
 * are the sessions the launchers use. Inside: {@code Setup} connects (retries, handshakes),
 * {@code Wire} and {@code WireDecoder} define and parse frames, {@code PeerHandler} runs the
 * handshake and feeds each {@code Link}, {@code Endpoint} waits and tears down.
 */
package onnx2mpc.runtime.net;
