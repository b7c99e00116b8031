package io.usrnet.prior.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
    @Test
    void anApplicationsOwnChoiceIsKept() {
        assertThat(NativeAllocator.apply("Mac OS X", Map.of(), null)).contains("not Linux").contains("unchanged");
        assertThat(NativeAllocator.apply("Windows 11", Map.of(), null)).contains("unchanged");
        assertThat(NativeAllocator.apply("Linux", Map.of(), "default")).contains("usrnet.malloc=default")
                .contains("unchanged");
        for (String name : new String[] {"MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
            "MALLOC_TOP_PAD_"}) {
            assertThat(NativeAllocator.apply("Linux", Map.of(name, "0"), null)).startsWith(name).contains("unchanged");
        }
    }

    @Test
    void onGlibcTheSettingIsAppliedWhenTheEngineClassesLoad() {
        DjlRuntime.ensureOffline();
        boolean chosen = System.getenv("MALLOC_MMAP_MAX_") != null || System.getenv("MALLOC_MMAP_THRESHOLD_") != null
                || System.getenv("MALLOC_TRIM_THRESHOLD_") != null || System.getenv("MALLOC_TOP_PAD_") != null
                || System.getProperty("usrnet.malloc") != null;
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && !chosen, "Linux without an explicit setting");
        // glibc on the Linux machines this runs on (CI, the reference machine); musl would say so
        assertThat(NativeAllocator.state()).startsWith("glibc: freed blocks kept for reuse");
    }
}
