package onnx2mpc.runtime.launch;

import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Session;

/**
 * A hand-written two-party program of the shape the compiler generates: party 0 owns input a
 * and constant bias, party 1 owns input b; party 1 learns a + b + bias, both learn the integer
 * 42. The dealer hands out a sharing of zero (party 0 gets its share as a correction), which
 * each party adds to its shares, so that dealer seeds and corrections are exercised too.
 */
final class ToyProgram {
  static final int N = 6;
  static final int[] DIMS = {2, 3};

  private ToyProgram() {}

  static ProgramInfo.Builder info(String partyClass) {
    return ProgramInfo.builder().parties(2).precision(16).digest("0123abcd")
        .programClass(partyClass).rounds(1)
        .input(0, "a", 0, 16, true, DIMS)
        .input(1, "b", 1, 16, true, DIMS)
        .output(0, "sum", 16, 0b10, DIMS)
        .output(1, "count", 0, 0b11)
        .constant(0, "bias", 0, N)
        .layer(0, "zero sharing", "Dealer")
        .layer(1, "/add/Add", "Add");
  }

  /** The party program. */
  public static final class Party implements PartyProgram {
    @Override
    public int slots() {
      return 3;
    }

    @Override
    public void offline(Ctx ctx) {
      ctx.layer(0);
      Session s = ctx.session();
      ctx.buf[0] = ctx.party == 0 ? s.fromDealer(0, N + 1) : s.dealerPrg(0, 0).next(N + 1);
    }

    @Override
    public void online(Ctx ctx) {
      ctx.layer(1);
      Session s = ctx.session();
      int other = 1 - ctx.party;
      long[] sum = new long[N];
      for (int id = 0; id < 2; id++) {
        long[] mask = s.pairPrg(other, id).next(N); // the owner keeps x - mask, the other mask
        long[] x = ctx.party == id ? ctx.data().input(id) : null;
        for (int i = 0; i < N; i++) {
          sum[i] += x != null ? x[i] - mask[i] : mask[i];
        }
      }
      long[] zero = ctx.buf[0];
      long[] bias = ctx.party == 0 ? ctx.data().constant(0) : new long[N];
      for (int i = 0; i < N; i++) {
        sum[i] += zero[i] + bias[i];
      }
      ctx.stageReveal(1, sum, 0b10);
      ctx.stageOpen(2, new long[] {(ctx.party == 0 ? 42 : 0) + zero[N]}, false);
      ctx.exchange(0);
      if (ctx.party == 1) {
        ctx.data().output(0, ctx.buf[1]);
      }
      ctx.data().output(1, ctx.buf[2]);
    }
  }

  /** A party program that keeps exchanging for a few seconds, to be killed meanwhile. */
  public static final class SlowParty implements PartyProgram {
    @Override
    public int slots() {
      return 1;
    }

    @Override
    public void offline(Ctx ctx) {}

    @Override
    public void online(Ctx ctx) {
      for (int r = 0; r < 100; r++) {
        ctx.stageOpen(0, new long[] {r}, false);
        ctx.exchange(r);
        if (r == 0) {
          System.out.println("round 0 done"); // tells the test it may kill us now
          System.out.flush();
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The dealer program: party 0's share of zero is minus party 1's. */
  public static final class Dealer implements DealerProgram {
    @Override
    public void run(DealerSession s) {
      long[] z1 = s.partyPrg(1, 0, 0).next(N + 1);
      for (int i = 0; i < z1.length; i++) {
        z1[i] = -z1[i];
      }
      s.sendToParty0(0, z1);
    }
  }

  /** Does nothing: for the slow program, which needs no correlations. */
  public static final class IdleDealer implements DealerProgram {
    @Override
    public void run(DealerSession s) {}
  }
}
