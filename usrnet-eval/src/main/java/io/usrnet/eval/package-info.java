/**
 * The Table-1 evaluation harness: {@link io.usrnet.eval.Evaluation} degrades HR images as
 * PROTOCOL.md §2 prescribes, restores them with USRNet and baselines, and scores them;
 * {@link io.usrnet.eval.Table1Report} writes the table and the per-image CSV.
 */
package io.usrnet.eval;
