package io.longstream.model.transformer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches autograd recording off for the current thread until closed. libtorch records gradients by
 * default on every thread except the one DJL initialised on, so inference on any other thread (Kafka
 * Streams threads, executors) must say so, or every op would keep its autograd history and the fused
 * attention kernel would be bypassed.
 */
public final class NoGrad implements AutoCloseable {

  private final boolean previous;

  private NoGrad() {
    Engine.getEngine("PyTorch"); // loads libtorch if this is the process's first use of it
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  public static NoGrad enter() {
    return new NoGrad();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
