package io.longstream.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The byte-level vocabulary of the models longstream trains: token id {@code b} is the UTF-8 byte {@code b}
 * (0-255), then three special tokens. Any text encodes losslessly with no unknown token and no training.
 *
 * <p>{@link #tokenizerJson()} writes the same vocabulary as a Hugging Face {@code tokenizer.json}: GPT-2's
 * {@code ByteLevel} pre-tokenizer and decoder around a BPE model with the 256 byte symbols and no merges,
 * plus a template that prepends {@code <s>} as Llama's does. Loaded by DJL's or Python's tokenizers it
 * gives the ids of {@link #encode} (after {@code <s>} when special tokens are added), with character
 * offsets into the original text.
 */
public final class ByteTokenizer {

  /** Beginning of sequence; also separates documents in a training stream. */
  public static final int BOS = 256;

  /** End of sequence. */
  public static final int EOS = 257;

  /** Padding (never trained on). */
  public static final int PAD = 258;

  /** Token ids in use: 256 bytes + 3 specials. */
  public static final int VOCAB_SIZE = 259;

  private static final List<String> SPECIALS = List.of("<s>", "</s>", "<pad>");

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ByteTokenizer() {}

  /** The UTF-8 bytes of {@code text} as ids 0-255 (no special tokens). */
  public static int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  /** The {@code tokenizer.json} text of this vocabulary. */
  public static String tokenizerJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < SPECIALS.size(); i++) {
      added.addObject()
          .put("id", BOS + i)
          .put("content", SPECIALS.get(i))
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    root.putNull("normalizer");
    byteLevel(root.putObject("pre_tokenizer"), false);
    postProcessor(root.putObject("post_processor"));
    byteLevel(root.putObject("decoder"), true);
    model(root.putObject("model"));
    return JSON.writeValueAsString(root);
  }

  /** GPT-2 ByteLevel: regex split into word-like pieces (lossless), each byte mapped to a printable char. */
  private static void byteLevel(ObjectNode node, boolean decoder) {
    node.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", !decoder).put("use_regex", true);
  }

  /** Prepends {@code <s>} to single sequences (and to each of a pair), as Llama's template does. */
  private static void postProcessor(ObjectNode node) {
    node.put("type", "TemplateProcessing");
    ArrayNode single = node.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = node.putArray("pair");
    pair.add(single.get(0).deepCopy()).add(single.get(1).deepCopy());
    pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode bos = node.putObject("special_tokens").putObject("<s>");
    bos.put("id", "<s>");
    bos.putArray("ids").add(BOS);
    bos.putArray("tokens").add("<s>");
  }

  private static void model(ObjectNode node) {
    node.put("type", "BPE");
    node.putNull("dropout");
    node.putNull("unk_token");
    node.putNull("continuing_subword_prefix");
    node.putNull("end_of_word_suffix");
    node.put("fuse_unk", false);
    node.put("byte_fallback", false);
    node.put("ignore_merges", false);
    ObjectNode vocab = node.putObject("vocab");
    byteSymbols().forEach(vocab::put);
    for (int i = 0; i < SPECIALS.size(); i++) {
      vocab.put(SPECIALS.get(i), BOS + i);
    }
    node.putArray("merges");
  }

  /**
   * GPT-2's {@code bytes_to_unicode}: printable Latin-1 bytes stand for themselves, the other 68 bytes map
   * to U+0100 onwards in byte order. Keyed by symbol, valued by byte (= token id).
   */
  static Map<String, Integer> byteSymbols() {
    Map<String, Integer> symbols = new LinkedHashMap<>();
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      int codePoint = printable ? b : 256 + next++;
      symbols.put(new String(Character.toChars(codePoint)), b);
    }
    return symbols;
  }
}
