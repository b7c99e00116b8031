package io.usrnet.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built checkpoints exercising dtypes, views, wrappers and the errors for non-state_dicts. */
class PthReaderTest {
    @TempDir
    Path dir;

    private Path write(TorchFiles.Pickle p, Map<String, byte[]> storages) throws IOException {
        return TorchFiles.checkpoint(dir.resolve("ckpt.pth"), p.stop().bytes(), storages);
    }

    /** OrderedDict with one entry per (name, tensor-writer) pair. */
    @SuppressWarnings("unchecked")
    private static TorchFiles.Pickle stateDict(TorchFiles.Pickle p, Object... nameAndWriter) {
        p.orderedDict().mark();
        for (int i = 0; i < nameAndWriter.length; i += 2) {
            p.str((String) nameAndWriter[i]);
            ((java.util.function.Consumer<TorchFiles.Pickle>) nameAndWriter[i + 1]).accept(p);
        }
        return p.setitems();
    }

    private static java.util.function.Consumer<TorchFiles.Pickle> t(
            java.util.function.Consumer<TorchFiles.Pickle> c) {
        return c;
    }

    @Test
    void readsEveryFloatDtypeIntoFloat32() throws IOException {
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3.5);
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00)
                .putShort((short) 0xc000);
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(-2f) >>> 16));
        TorchFiles.Pickle p = stateDict(new TorchFiles.Pickle().proto(2),
                "a", t(q -> q.tensor("DoubleStorage", "0", 2, 0, new int[] {2}, new long[] {1})),
                "b", t(q -> q.tensor("HalfStorage", "1", 2, 0, new int[] {2}, new long[] {1})),
                "c", t(q -> q.tensor("BFloat16Storage", "2", 2, 0, new int[] {2}, new long[] {1})),
                "d", t(q -> q.floatTensor("3", 1, 2)));
        StateDict sd = PthReader.read(write(p, Map.of("0", f64.array(), "1", f16.array(), "2", bf16.array(),
                "3", TorchFiles.f32(7f, 8f))));
        assertThat(sd.names()).containsExactly("a", "b", "c", "d");
        assertThat(sd.get("a").toArray()).containsExactly(0.1f, -3.5f);
        assertThat(sd.get("b").toArray()).containsExactly(1f, -2f);
        assertThat(sd.get("c").toArray()).containsExactly(1.5f, -2f);
        assertThat(sd.get("d").shape()).containsExactly(1, 2);
        assertThat(sd.get("d").toArray()).containsExactly(7f, 8f);
    }

    @Test
    void handlesOffsetsSharedStoragesAndNonContiguousViews() throws IOException {
        // storage 0..11; "row" = elements 4..7 as [4]; "t" = the transpose of the [3,4] matrix; "s" a scalar.
        float[] values = new float[12];
        for (int i = 0; i < 12; i++) {
            values[i] = i;
        }
        TorchFiles.Pickle p = stateDict(new TorchFiles.Pickle().proto(2),
                "row", t(q -> q.tensor("FloatStorage", "0", 12, 4, new int[] {4}, new long[] {1})),
                "t", t(q -> q.tensor("FloatStorage", "0", 12, 0, new int[] {4, 3}, new long[] {1, 4})),
                "s", t(q -> q.tensor("FloatStorage", "0", 12, 11, new int[] {}, new long[] {})),
                "one", t(q -> q.tensor("FloatStorage", "0", 12, 2, new int[] {1, 2}, new long[] {99, 1})));
        StateDict sd = PthReader.read(write(p, Map.of("0", TorchFiles.f32(values))));
        assertThat(sd.get("row").toArray()).containsExactly(4, 5, 6, 7);
        assertThat(sd.get("t").shape()).containsExactly(4, 3);
        assertThat(sd.get("t").toArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        assertThat(sd.get("s").shape()).isEmpty();
        assertThat(sd.get("s").toArray()).containsExactly(11);
        assertThat(sd.get("one").toArray()).containsExactly(2, 3);
    }

    @Test
    void honoursBigEndianByteOrder() throws IOException {
        TorchFiles.Pickle p = stateDict(new TorchFiles.Pickle().proto(2), "w", t(q -> q.floatTensor("0", 2)));
        byte[] be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.25f).putFloat(-6f).array();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x/data.pkl", p.stop().bytes());
        entries.put("x/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        entries.put("x/data/0", be);
        Path file = dir.resolve("be.pth");
        TorchFiles.zip(file, entries);
        assertThat(PthReader.read(file).get("w").toArray()).containsExactly(1.25f, -6f);
    }

    @Test
    void unwrapsParametersCommonWrappersAndDataParallelPrefix() throws IOException {
        // {'epoch': 3, 'state_dict': OrderedDict('module.w': Parameter(tensor))}
        TorchFiles.Pickle p = new TorchFiles.Pickle().proto(2).emptyDict().mark().str("epoch").integer(3)
                .str("state_dict");
        stateDict(p, "module.w", t(q -> q.global("torch._utils", "_rebuild_parameter").mark().floatTensor("0", 2)
                .raw(0x88).orderedDict().tuple().reduce()));
        p.setitems();
        StateDict sd = PthReader.read(write(p, Map.of("0", TorchFiles.f32(1f, 2f))));
        assertThat(sd.names()).containsExactly("w");
        assertThat(sd.get("w").toArray()).containsExactly(1f, 2f);
    }

    @Test
    void refusesAmbiguousOrMissingStateDicts() throws IOException {
        TorchFiles.Pickle two = new TorchFiles.Pickle().proto(2).emptyDict().mark().str("params");
        stateDict(two, "w", t(q -> q.floatTensor("0", 1)));
        two.str("params_ema");
        stateDict(two, "w", t(q -> q.floatTensor("0", 1)));
        two.setitems();
        Path file = write(two, Map.of("0", TorchFiles.f32(1f)));
        assertThatThrownBy(() -> PthReader.read(file)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContainingAll("[params, params_ema]", "torch.save(ckpt['params'], path)");

        TorchFiles.Pickle other = new TorchFiles.Pickle().proto(2).emptyDict().mark().str("epoch").integer(3)
                .str("w").floatTensor("0", 1).str("opt").emptyDict().setitems();
        Path f2 = write(other, Map.of("0", TorchFiles.f32(1f)));
        assertThatThrownBy(() -> PthReader.read(f2)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(f2 + ": ").hasMessageContainingAll("not a state_dict", "dict of 3 entries",
                        "'epoch': a number", "'w': a tensor", "'opt': a dict",
                        "[state_dict, model_state_dict, model, params, params_ema, net]");

        Path f3 = write(new TorchFiles.Pickle().proto(2).floatTensor("0", 1), Map.of("0", TorchFiles.f32(1f)));
        assertThatThrownBy(() -> PthReader.read(f3))
                .hasMessageStartingWith(f3 + ": ").hasMessageContainingAll("not a state_dict", "a tensor instead");

        Path f4 = write(new TorchFiles.Pickle().proto(2).orderedDict(), Map.of());
        assertThatThrownBy(() -> PthReader.read(f4))
                .hasMessageStartingWith(f4 + ": ").hasMessageContainingAll("not a state_dict", "empty dict");
    }

    @Test
    void reportsUnsupportedDtypesAndBadStorages() throws IOException {
        TorchFiles.Pickle ints = stateDict(new TorchFiles.Pickle().proto(2),
                "n", t(q -> q.tensor("LongStorage", "0", 1, 0, new int[] {1}, new long[] {1})));
        Path f1 = write(ints, Map.of("0", new byte[8]));
        assertThatThrownBy(() -> PthReader.read(f1)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(f1 + ": ")
                .hasMessageContainingAll("tensor 'n'", "int64", "float32, float64, float16 and bfloat16");

        TorchFiles.Pickle beyond = stateDict(new TorchFiles.Pickle().proto(2),
                "v", t(q -> q.tensor("FloatStorage", "0", 4, 2, new int[] {2, 2}, new long[] {2, 1})));
        Path f2 = write(beyond, Map.of("0", TorchFiles.f32(1, 2, 3, 4)));
        assertThatThrownBy(() -> PthReader.read(f2))
                .hasMessageStartingWith(f2 + ": ").hasMessageContainingAll("tensor 'v'", "element 5", "4 elements");

        TorchFiles.Pickle missing = stateDict(new TorchFiles.Pickle().proto(2), "v", t(q -> q.floatTensor("7", 2)));
        Path f3 = write(missing, Map.of("0", TorchFiles.f32(1, 2)));
        assertThatThrownBy(() -> PthReader.read(f3))
                .hasMessageStartingWith(f3 + ": ").hasMessageContainingAll("lacks", "archive/data/7");

        TorchFiles.Pickle shortStorage = stateDict(new TorchFiles.Pickle().proto(2), "v", t(q -> q.floatTensor("0", 3)));
        Path f4 = write(shortStorage, Map.of("0", TorchFiles.f32(1, 2)));
        assertThatThrownBy(() -> PthReader.read(f4)).hasMessageStartingWith(f4 + ": ")
                .hasMessageContainingAll("archive/data/0", "8 bytes", "3 float32 elements", "need 12");
    }

    @Test
    void refusesZipsThatAreNotStateDictCheckpoints() throws IOException {
        Path script = dir.resolve("script.pt");
        TorchFiles.zip(script, Map.of("m/data.pkl", new byte[] {'.'}, "m/code/__torch__.py", new byte[1],
                "m/constants.pkl", new byte[1]));
        assertThatThrownBy(() -> PthReader.read(script)).hasMessageStartingWith(script + ": ")
                .hasMessageContainingAll("TorchScript", "torch.save(model.state_dict(), path)");
        Path plain = dir.resolve("plain.zip");
        TorchFiles.zip(plain, Map.of("readme.txt", new byte[3]));
        assertThatThrownBy(() -> WeightFiles.read(plain)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(plain + ": ")
                .hasMessageContainingAll("<name>/data.pkl", "not a PyTorch checkpoint");
    }

    @Test
    void sniffsTheFormatByContent() throws IOException {
        Path st = dir.resolve("really-a-safetensors.pth");
        Files.copy(TorchFiles.WEIGHTS.resolve("odd.safetensors"), st);
        Path pth = dir.resolve("really-a-pth.safetensors");
        Files.copy(TorchFiles.WEIGHTS.resolve("odd.pth"), pth);
        assertThat(WeightFiles.read(st).metadata()).containsEntry("nb", "1");
        assertThat(WeightFiles.read(pth).tensors()).isEqualTo(WeightFiles.read(st).tensors());

        Path junk = dir.resolve("junk.bin");
        Files.writeString(junk, "hello, I am not weights");
        assertThatThrownBy(() -> WeightFiles.read(junk)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(junk + ": ")
                .hasMessageContainingAll("not a weights file", ".safetensors", ".pth");
        assertThatThrownBy(() -> PthReader.read(junk)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(junk + ": ").hasMessageContainingAll("not a PyTorch checkpoint", "torch.save");
        Path empty = Files.createFile(dir.resolve("empty.pth"));
        assertThatThrownBy(() -> WeightFiles.read(empty)).hasMessageStartingWith(empty + ": ")
                .hasMessageContaining("empty file");
        assertThatThrownBy(() -> WeightFiles.read(dir)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(dir + ": ").hasMessageContaining("directory");

        Path missing = dir.resolve("nope.pth");
        for (var reader : new PthSafetyTest.ThrowingReader[] {WeightFiles::read, PthReader::read, SafeTensors::read,
            p -> ModelWeights.read(p).stateDict()}) {
            assertThatThrownBy(() -> reader.read(missing)).isInstanceOf(NoSuchFileException.class)
                    .hasMessageStartingWith(missing + ": ").hasMessageContaining("not found");
        }
    }
}
