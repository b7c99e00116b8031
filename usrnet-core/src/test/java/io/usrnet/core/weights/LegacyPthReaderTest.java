package io.usrnet.core.weights;

import static io.usrnet.core.weights.LegacyFiles.file;
import static io.usrnet.core.weights.LegacyFiles.key;
import static io.usrnet.core.weights.LegacyFiles.keys;
import static io.usrnet.core.weights.LegacyFiles.record;
import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.weights.TorchFiles.Pickle;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Legacy-format (torch &lt; 1.6) checkpoints: the fixture weights, real pickler output, and the layout details. */
class LegacyPthReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void legacyFixtureWeightsEqualTheSafetensorsBitForBit(String model) throws IOException {
        StateDict st = SafeTensors.read(WEIGHTS.resolve(model + ".safetensors"));
        Path file = write(model + "-legacy.pth", LegacyFiles.of(st));

        StateDict legacy = PthReader.read(file);
        assertThat(new ArrayList<>(legacy.names())).containsExactlyElementsOf(st.names());
        for (String name : st.names()) {
            // Tensor.equals compares shapes and float bits.
            assertThat(legacy.get(name)).as(name).isEqualTo(st.get(name));
        }
        assertThat(legacy.metadata()).isEmpty();
        assertThat(legacy.tensors()).isEqualTo(PthReader.read(WEIGHTS.resolve(model + ".pth")).tensors());
        assertThat(WeightFiles.read(file).tensors()).isEqualTo(st.tensors());

        // Configuration inferred from the legacy tensors = the one in the safetensors metadata.
        ModelConfig expected = ModelConfig.fromMetadata(st.metadata());
        assertThat(ModelConfig.inferFrom(legacy)).isEqualTo(expected);
        ModelWeights weights = ModelWeights.read(file);
        assertThat(weights.config()).isEqualTo(expected);
        assertThat(weights.config().parameterCount()).isEqualTo(model.equals("tiny") ? 590332 : 61854);
        assertThat(weights.priorParameters().get("m_head.weight"))
                .containsExactly(st.get("p.m_head.weight").toArray());
    }

    private Path sample() throws IOException {
        try {
            // Written by make_legacy_sample.py (Python's pickle module, as torch's legacy writer uses it).
            return Path.of(LegacyPthReaderTest.class.getResource("legacy_sample.pth").toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @Test
    void readsWhatPythonsPicklerWritesWithViewsOffsetsOldRebuildsAndWrappers() throws IOException {
        // {'epoch': 7, 'state_dict': OrderedDict('module.…': tensors), 'optimizer': {… a LongStorage …}}
        StateDict sd = PthReader.read(sample());
        assertThat(sd.names()).containsExactly("a.weight", "a.t", "b.bias", "c.weight", "d.old");
        assertThat(sd.get("a.weight").shape()).containsExactly(2, 3);
        assertThat(sd.get("a.weight").toArray()).containsExactly(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f);
        // The transpose, sharing storage a (on cuda:0).
        assertThat(sd.get("a.t").shape()).containsExactly(3, 2);
        assertThat(sd.get("a.t").toArray()).containsExactly(-1f, 0.5f, -0.5f, 1f, 0f, 1.5f);
        // float64 storage [10, 20, 30, 40, 50] from element 2.
        assertThat(sd.get("b.bias").toArray()).containsExactly(30f, 40f, 50f);
        // Storage view: elements 4..8 of [100..109], the tensor from element 1 of the view.
        assertThat(sd.get("c.weight").shape()).containsExactly(2, 2);
        assertThat(sd.get("c.weight").toArray()).containsExactly(105f, 106f, 107f, 108f);
        // torch < 0.4: _rebuild_tensor(storage, offset, size, stride).
        assertThat(sd.get("d.old").toArray()).containsExactly(0.25f, -0.25f);
        assertThat(WeightFiles.read(sample()).tensors()).isEqualTo(sd.tensors());
    }

    @Test
    void readsStorageDataLittleEndianWhateverSysInfoSays() throws IOException {
        // torch writes and reads the records little-endian on any machine; sys_info only describes the writer.
        byte[] main = LegacyFiles.oneTensor(2, 0, new int[] {2}, new long[] {1});
        byte[] bigEndianWriter = LegacyFiles.concat(LegacyFiles.magic(), LegacyFiles.version(),
                LegacyFiles.sysInfo(false), main, keys(key(0)), record(1.25f, -6f));
        assertThat(PthReader.read(write("be.pth", bigEndianWriter)).get("w").toArray()).containsExactly(1.25f, -6f);
    }

    @Test
    void walksNonFloatRecordsAndReadsEveryFloatDtype() throws IOException {
        ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00)
                .putShort((short) 0xc000);
        ByteBuffer bf16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(1.5f) >>> 16));
        ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1);
        // A checkpoint whose 'step' (int64) and 'mask' (bool) records come between the float ones.
        Pickle main = new Pickle().proto(2).emptyDict().mark().str("step")
                .tensorV2(q -> q.legacyStorage("LongStorage", key(0), "cpu", 3, null, 0, 0), 0, new int[] {3},
                        new long[] {1})
                .str("mask").tensorV2(q -> q.legacyStorage("BoolStorage", key(2), "cpu", 5, null, 0, 0), 0,
                        new int[] {5}, new long[] {1})
                .str("model").orderedDict().mark()
                .str("h").tensorV2(q -> q.legacyStorage("HalfStorage", key(1), "cuda:1", 2, null, 0, 0), 0,
                        new int[] {2}, new long[] {1})
                .str("b").tensorV2(q -> q.legacyStorage("BFloat16Storage", key(3), "cpu", 1, null, 0, 0), 0,
                        new int[] {}, new long[] {})
                .str("d").tensorV2(q -> q.legacyStorage("DoubleStorage", key(4), "cpu", 1, null, 0, 0), 0,
                        new int[] {1}, new long[] {1})
                .setitems().setitems().stop();
        Path file = write("mixed.pth", file(main.bytes(), keys(key(0), key(1), key(2), key(3), key(4)),
                record(3, new byte[24]), record(2, f16.array()), record(5, new byte[5]), record(1, bf16.array()),
                record(1, f64.array())));
        StateDict sd = PthReader.read(file);
        assertThat(sd.names()).containsExactly("h", "b", "d");
        assertThat(sd.get("h").toArray()).containsExactly(1f, -2f);
        assertThat(sd.get("b").toArray()).containsExactly(1.5f);
        assertThat(sd.get("d").toArray()).containsExactly(0.1f);
    }

    @Test
    void reportsViewsOutsideTheirStorageAndTensorsOutsideTheirView() throws IOException {
        byte[] outside = LegacyFiles.oneTensor(4, "77", 2, 3, 0, new int[] {1}, new long[] {1});
        Path f1 = write("v1.pth", file(outside, keys(key(0)), record(1, 2, 3, 4)));
        assertThatThrownBy(() -> PthReader.read(f1)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(f1 + ": ")
                .hasMessageContainingAll("storage view 77", "elements 2 to 2 + 3", "storage of 4 elements");

        byte[] beyond = LegacyFiles.oneTensor(4, "77", 1, 2, 1, new int[] {2}, new long[] {1});
        Path f2 = write("v2.pth", file(beyond, keys(key(0)), record(1, 2, 3, 4)));
        assertThatThrownBy(() -> PthReader.read(f2)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageContaining("a tensor reaches element 2 of a storage view of 2 elements");
    }

    @Test
    void refusesExpandedTensorsThatWouldOutgrowTheirStorage() throws IOException {
        // Stride 0 over one element: 2^30 elements from 4 bytes of data must not be allocated.
        byte[] p = LegacyFiles.oneTensor(1, 0, new int[] {1 << 30}, new long[] {0});
        Path file = write("expanded.pth", file(p, keys(key(0)), record(1f)));
        assertThatThrownBy(() -> PthReader.read(file)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContainingAll("tensor 'w'", "1073741824 elements", "the 1 of its storage", "not supported");
        // The same in a zip checkpoint.
        Pickle zipped = new Pickle().proto(2).orderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 1, 0, new int[] {1 << 30}, new long[] {0}).setitems().stop();
        Path zip = TorchFiles.checkpoint(dir.resolve("expanded-zip.pth"), zipped.bytes(), Map.of("0", TorchFiles.f32(1f)));
        assertThatThrownBy(() -> PthReader.read(zip)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageContaining("such expanded tensors are not supported");
    }

    @Test
    void refusesTheTarFormatAndPicklesThatAreNotCheckpoints() throws IOException {
        byte[] tar = new byte[1024];
        System.arraycopy("sys_info".getBytes(), 0, tar, 0, 8);
        System.arraycopy("ustar\0".getBytes(), 0, tar, 257, 6);
        Path t = write("old.tar.pth", tar);
        for (PthSafetyTest.ThrowingReader reader : new PthSafetyTest.ThrowingReader[] {PthReader::read,
            WeightFiles::read}) {
            assertThatThrownBy(() -> reader.read(t)).isExactlyInstanceOf(InvalidFileException.class)
                    .hasMessageStartingWith(t + ": ")
                    .hasMessageContainingAll("tar archive", "torch.save(torch.load(old), new)");
        }

        Path plain = write("list.pkl", new Pickle().proto(2).emptyList().stop().bytes());
        assertThatThrownBy(() -> WeightFiles.read(plain)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(plain + ": ")
                .hasMessageContainingAll("not a PyTorch checkpoint", "magic number");

        Path version = write("v.pth", LegacyFiles.concat(LegacyFiles.magic(),
                new Pickle().proto(2).raw('M', 0xe8, 0x03).stop().bytes()));
        assertThatThrownBy(() -> PthReader.read(version)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(version + ": ").hasMessageContainingAll("version 1000", "expected 1001");

        Path noDict = write("s.pth", LegacyFiles.concat(LegacyFiles.magic(), LegacyFiles.version(),
                new Pickle().proto(2).emptyList().stop().bytes()));
        assertThatThrownBy(() -> PthReader.read(noDict)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(noDict + ": ").hasMessageContainingAll("sys_info", "a list", "not a dict");
    }

    @Test
    void keyListMustNameExactlyTheReferencedStorages() throws IOException {
        Pickle main = new Pickle().proto(2).orderedDict().mark()
                .str("a").tensorV2(q -> q.legacyStorage("FloatStorage", key(0), "cpu", 1, null, 0, 0), 0,
                        new int[] {1}, new long[] {1})
                .str("b").tensorV2(q -> q.legacyStorage("FloatStorage", key(1), "cpu", 1, null, 0, 0), 0,
                        new int[] {1}, new long[] {1})
                .setitems().stop();
        Map<String, byte[]> cases = Map.of(
                "extra", LegacyFiles.concat(keys(key(0), key(1), "123"), record(1f), record(2f), record(3f)),
                "missing", LegacyFiles.concat(keys(key(1)), record(2f)),
                "twice", LegacyFiles.concat(keys(key(0), key(0), key(1)), record(1f), record(1f), record(2f)),
                "not a list", LegacyFiles.concat(new Pickle().proto(2).str(key(0)).stop().bytes(), record(1f)),
                "count", LegacyFiles.concat(keys(key(0), key(1)), record(1f), record(2f, 3f)));
        Map<String, String> expected = Map.of(
                "extra", "the storage-key list names storage '123', which the main pickle does not reference",
                "missing", "the main pickle references storage '" + key(0) + "', which the storage-key list does"
                        + " not name",
                "twice", "the storage-key list names storage '" + key(0) + "' twice",
                "not a list", "the storage-key pickle holds a string instead of a list of keys",
                "count", "the data of storage '" + key(1) + "' at offset ");
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path f = write(c.getKey().replace(' ', '_') + ".pth", file(main.bytes(), c.getValue()));
            assertThatThrownBy(() -> PthReader.read(f)).as(c.getKey()).isExactlyInstanceOf(InvalidFileException.class)
                    .hasMessageStartingWith(f + ": corrupt legacy checkpoint: " + expected.get(c.getKey()));
        }
        byte[] good = file(main.bytes(), keys(key(1), key(0)), record(2f), record(1f));
        StateDict sd = PthReader.read(write("good.pth", good));
        assertThat(sd.get("a").toArray()).containsExactly(1f);
        assertThat(sd.get("b").toArray()).containsExactly(2f);
    }
}
