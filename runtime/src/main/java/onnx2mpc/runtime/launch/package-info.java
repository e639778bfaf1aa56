/**
 * Entry points of the generated jars: {@link onnx2mpc.runtime.launch.PartyMain} and
 * {@link onnx2mpc.runtime.launch.DealerMain} read the jar's
 * {@link onnx2mpc.runtime.launch.ProgramInfo}, instantiate the generated
 * {@link onnx2mpc.runtime.launch.PartyProgram} or {@link onnx2mpc.runtime.launch.DealerProgram}
 * and run it over the network.
 */
package onnx2mpc.runtime.launch;
