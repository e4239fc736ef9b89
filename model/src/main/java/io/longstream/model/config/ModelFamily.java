package io.longstream.model.config;

import java.util.Arrays;
import java.util.List;

/** The Hugging Face architecture families longstream runs, by {@code model_type}. */
public enum ModelFamily {
  LLAMA("llama", "LlamaForCausalLM"),
  MISTRAL("mistral", "MistralForCausalLM"),
  QWEN2("qwen2", "Qwen2ForCausalLM");

  private final String modelType;
  private final String architecture;

  ModelFamily(String modelType, String architecture) {
    this.modelType = modelType;
    this.architecture = architecture;
  }

  public String modelType() {
    return modelType;
  }

  public String architecture() {
    return architecture;
  }

  /** Resolves {@code model_type} (preferred) or the first {@code architectures} entry. */
  public static ModelFamily of(String modelType, String architecture) {
    for (ModelFamily f : values()) {
      if (f.modelType.equals(modelType) || (modelType == null && f.architecture.equals(architecture))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unsupported architecture (model_type="
            + modelType
            + ", architectures="
            + architecture
            + "); supported model_type values: "
            + known());
  }

  static List<String> known() {
    return Arrays.stream(values()).map(ModelFamily::modelType).toList();
  }
}
