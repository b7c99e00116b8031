package io.usrnet.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/** Timestamped log lines, appended to a file (flushed per line) and echoed to a console. */
final class TrainLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final BufferedWriter file;
    private final Consumer<String> console;

    TrainLog(Path path, Consumer<String> console) throws IOException {
        this.file = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        this.console = console;
    }

    synchronized void line(String text) {
        String stamped = LocalDateTime.now().format(TIME) + " " + text;
        try {
            file.write(stamped);
            file.newLine();
            file.flush();
        } catch (IOException e) {
            if (console != null) {
                console.accept("(cannot write the log file: " + e.getMessage() + ")");
            }
        }
        if (console != null) {
            console.accept(stamped);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
