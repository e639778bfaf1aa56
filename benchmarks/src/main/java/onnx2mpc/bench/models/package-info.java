/**
 * Benchmark models generated in Java rather than downloaded or exported from Python.
 *
 * <p>{@link onnx2mpc.bench.models.ResNetGenerator} builds torchvision's ResNet-18, ResNet-34
 * and ResNet-50 (v1.5 bottlenecks) for a [1, 3, S, S] input of any size S, as the ONNX graph
 * {@code torch.onnx.export} of PyTorch 1.13 writes at opset 17 in eval mode: BatchNorm folded
 * into the convolutions, the exporter's node, tensor and initializer names ({@code
 * /layer1/layer1.0/conv1/Conv}, {@code onnx::Conv_193}, {@code fc.weight}), so a generated
 * ResNet-18 at 224 or 32 differs from the shared reference exports only in its weight bytes.
 * Weights are seeded ({@link java.util.SplittableRandom}) and scaled like a BN-calibrated
 * network, so activations stay O(1) and logits O(1..10), the ranges a fixed-point MPC run
 * meets on real models. {@link onnx2mpc.bench.models.NpyWriter} writes matching random inputs
 * as numpy .npy files.
 */
package onnx2mpc.bench.models;
