package io.longstream.model.weights;

/**
 * Where one tensor's bytes lie in its file.
 *
 * @param info the tensor's name, dtype and shape
 * @param position absolute byte position in the file (header included)
 * @param length stored bytes, equal to {@code info.storedBytes()}
 */
record TensorEntry(TensorInfo info, long position, long length) {

  long end() {
    return position + length;
  }
}
