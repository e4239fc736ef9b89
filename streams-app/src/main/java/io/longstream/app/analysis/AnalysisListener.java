package io.longstream.app.analysis;

import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.WindowResult;

/** Observes analysed windows and documents (metrics, the extrapolation endpoint). */
interface AnalysisListener {

  void onWindow(WindowResult window, PositionMode mode);

  void onDocument(int tokens);
}
