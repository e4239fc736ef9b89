package io.longstream.model.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.transformer.NoGrad;
import io.longstream.model.tokenizer.TokenizedText;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.ForwardResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code longstream forward}: one full causal forward, printing logits and final hidden states as JSON. */
@Command(name = "forward", mixinStandardHelpOptions = true, description = "Run one full forward pass and print logits and final hidden states as JSON.")
public final class ForwardCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--tokens", description = "token ids, e.g. \"1,2,3\"")
    String tokens;

    @Option(names = "--text", description = "text to tokenize first (adds \"tokens\" and \"offsets\")")
    String text;
  }

  @Override
  public Integer call() {
    try (NoGrad noGrad = NoGrad.enter();
        LanguageModel lm = modelOptions.load();
        NDManager manager = lm.manager().newSubManager()) {
      Map<String, Object> out = new LinkedHashMap<>();
      long[] ids;
      if (input.text != null) {
        TokenizedText tokenized = lm.tokenizer().encode(input.text, true);
        if (tokenized.size() == 0) {
          throw new IllegalArgumentException("the text produced no tokens");
        }
        ids = tokenized.ids();
        out.put("tokens", ids);
        int[][] offsets = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
          offsets[i] = new int[] {tokenized.charStarts()[i], tokenized.charEnds()[i]};
        }
        out.put("offsets", offsets);
      } else {
        ids = TokenIds.parse(input.tokens, lm.config().vocabSize());
      }
      DecoderModel model = lm.model();
      long[] positions = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        positions[i] = i;
      }
      ForwardResult result = model.forward(manager, model.tokens(manager, ids), positions, model.noCache());
      out.put("logits", rows(result.logits()));
      out.put("hidden", rows(result.hidden()));
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(out));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /** [1, T, N] → T rows of N floats. */
  private static float[][] rows(NDArray array) {
    int t = (int) array.getShape().get(1);
    int n = (int) array.getShape().get(2);
    float[] flat = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    float[][] rows = new float[t][n];
    for (int i = 0; i < t; i++) {
      System.arraycopy(flat, i * n, rows[i], 0, n);
    }
    return rows;
  }
}
