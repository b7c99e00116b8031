package io.usrnet.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a use of released Java memory by the engine visible (issue 11): collects garbage, lets the
 * cleaner free the direct buffers that became unreachable, then allocates many small direct
 * buffers filled with NaN, which the allocator serves from the chunks just freed. A tensor that
 * still points at such memory then computes with NaN instead of silently keeping its old value.
 */
final class FreedMemory {
    private FreedMemory() {
    }

    /**
     * @return the NaN-filled buffers: keep them reachable until the computation under test is done
     */
    static List<ByteBuffer> collectAndRefillWithNaN() {
        System.gc();
        try {
            Thread.sleep(100); // the cleaner thread frees the collected buffers' native memory
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 6)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= Float.BYTES) {
                b.putFloat(Float.NaN);
            }
            held.add(b);
        }
        return held;
    }
}
