/** Reading and writing {@code .npy} files, and fixed-point encoding into the ring. */
package onnx2mpc.runtime.io;
