/** Pseudo-random generators: AES-128-CTR streams addressed by (nonce, component). */
package onnx2mpc.runtime.prg;
