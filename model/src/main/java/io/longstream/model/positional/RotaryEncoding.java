package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.config.RotaryLayout;
import io.longstream.model.positional.rope.RopeFrequencies;
import io.longstream.model.positional.rope.RopeScaling;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer), with any {@link RopeScaling} rule and either
 * {@link RotaryLayout}. A pair (x, y) of channels at position p is rotated by p·θⱼ, and cos/sin are
 * multiplied by the scaling's attention factor as transformers does. Angles are computed in double
 * precision from the step's positions only, so positions may reach 10⁶ without a position-sized table.
 * Only the first {@code rotaryDim} channels of a head rotate (partial rotary factor).
 */
public final class RotaryEncoding implements PositionalEncoding {

  public static final String NAME = "rope";

  private final RopeScaling scaling;
  private final RotaryLayout layout;
  private final int headDim;
  private final int rotaryDim;
  private final DataType dataType;

  public RotaryEncoding(RopeScaling scaling, RotaryLayout layout, int headDim, int rotaryDim, DataType dataType) {
    this.scaling = scaling;
    this.layout = layout;
    this.headDim = headDim;
    this.rotaryDim = rotaryDim;
    this.dataType = dataType;
  }

  @Override
  public String name() {
    return NAME;
  }

  public RopeScaling scaling() {
    return scaling;
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    RopeFrequencies frequencies = scaling.frequencies(positions.scalingLength());
    Tables keys = tables(manager, positions.keyPositions(), frequencies);
    Tables queries =
        positions.queryPositions() == positions.keyPositions() ? keys : tables(manager, positions.queryPositions(), frequencies);
    return new RotaryStep(queries, keys);
  }

  /**
   * cos and sin of p·θⱼ for each position, laid out to multiply the rotated channels directly. The angles
   * are computed by libtorch in float64 from the int64 positions (p·θⱼ keeps 15+ significant digits at
   * p = 10⁶), then rounded once to the model's type; only the positions cross the JNI boundary, so a step
   * leaves no position-sized host buffer behind for the garbage collector.
   */
  private Tables tables(NDManager manager, long[] positions, RopeFrequencies frequencies) {
    double[] inv = frequencies.inverseFrequencies();
    double factor = frequencies.attentionFactor();
    NDArray angles = manager.create(positions, new Shape(positions.length, 1))
        .toType(DataType.FLOAT64, false)
        .mul(manager.create(inv, new Shape(1, inv.length))); // [P, pairs]
    NDArray cos = angles.cos().mul(factor);
    NDArray sin = angles.sin().mul(factor);
    // Both layouts fold rot(x) into one multiply: the sign of sin sits in the table.
    NDArray cosTable;
    NDArray sinTable;
    if (layout == RotaryLayout.HALF_SPLIT) {
      cosTable = cos.concat(cos, 1);
      sinTable = sin.neg().concat(sin, 1);
    } else {
      cosTable = NDArrays.stack(new NDList(cos, cos), 2).reshape(positions.length, rotaryDim);
      sinTable = NDArrays.stack(new NDList(sin.neg(), sin), 2).reshape(positions.length, rotaryDim);
    }
    return new Tables(cosTable.toType(dataType, false), sinTable.toType(dataType, false));
  }

  private record Tables(NDArray cos, NDArray sin) {}

  /** Applies the tables to tensors shaped [B, heads, T or K, Dh]. */
  private final class RotaryStep implements PositionalStep {
    private final Tables queries;
    private final Tables keys;

    RotaryStep(Tables queries, Tables keys) {
      this.queries = queries;
      this.keys = keys;
    }

    @Override
    public NDArray queries(NDArray q) {
      return rotate(q, queries);
    }

    @Override
    public NDArray keys(NDArray k) {
      return rotate(k, keys);
    }

    private NDArray rotate(NDArray x, Tables tables) {
      if (rotaryDim == headDim) {
        return x.mul(tables.cos).add(partner(x).mul(tables.sin));
      }
      NDList parts = x.split(new long[] {rotaryDim}, 3);
      NDArray rotated = parts.get(0).mul(tables.cos).add(partner(parts.get(0)).mul(tables.sin));
      return rotated.concat(parts.get(1), 3);
    }

    /**
     * The channel each channel is paired with: half-split swaps the two halves (rotate_half without its
     * sign), interleaved swaps neighbours. The sign lives in the sin table.
     */
    private NDArray partner(NDArray x) {
      if (layout == RotaryLayout.HALF_SPLIT) {
        NDList halves = x.split(2, 3);
        return halves.get(1).concat(halves.get(0), 3);
      }
      Shape shape = x.getShape();
      NDArray pairs = x.reshape(shape.get(0), shape.get(1), shape.get(2), rotaryDim / 2, 2);
      NDList lanes = pairs.split(2, 4);
      return lanes.get(1).concat(lanes.get(0), 4).reshape(shape);
    }
  }
}
