package onnx2mpc.runtime.launch;

import onnx2mpc.runtime.DealerSession;

/**
 * A compiled dealer program: the ordered list of correlations the parties will consume. The
 * compiler names the implementing class in dealer.jar's {@link ProgramInfo}; {@link DealerMain}
 * instantiates it with its public no-argument constructor.
 */
public interface DealerProgram {
  void run(DealerSession session);
}
