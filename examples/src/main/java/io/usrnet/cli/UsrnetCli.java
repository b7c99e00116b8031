package io.usrnet.cli;

import io.usrnet.data.io.InvalidFileException;
import io.usrnet.prior.PriorEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code usrnet} command-line tool: restoration, degradation, the closed-form data step, kernel
 * synthesis, comparison, evaluation and training.
 *
 * <p>Every failure ends with one human-readable line on stderr and a non-zero exit status
 * (1 for a failed run, 2 for bad command-line usage); {@code --debug} adds the stack trace.
 */
@Command(name = "usrnet",
        mixinStandardHelpOptions = true,
        versionProvider = UsrnetCli.Version.class,
        description = "Model-based deep unfolding image restoration (USRNet): undo a known blur kernel k, "
                + "integer scale s and Gaussian noise level sigma, y = (x (*) k) down s + n.",
        subcommands = {RestoreCommand.class, SolveCommand.class, DegradeCommand.class, KernelCommand.class,
            CompareCommand.class,
            EstimateNoiseCommand.class, EstimateKernelCommand.class,
            BenchCommand.class,
            EvalCommand.class, TrainCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:success",
            "1:bad input or a failed run: a file missing, unreadable or invalid, an invalid value, an I/O error "
                    + "(one 'usrnet: error: ...' line on stderr)",
            "2:bad usage: an unknown command or option, a missing required option, a value of the wrong type "
                    + "(with a --help hint)"})
public final class UsrnetCli {
    /** Exit status of a run that failed (bad input file, invalid values, I/O error). */
    public static final int EXIT_FAILURE = 1;
    /** Exit status for invalid command-line usage. */
    public static final int EXIT_USAGE = 2;

    private static final Set<String> ENGINE_COMMANDS = Set.of("restore", "eval", "train", "bench");
    private static final Set<String> HELP_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors (for bug reports).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool with the given arguments and streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        prepareEnvironment();
        if (needsEngine(args)) {
            PriorEngine.preloadNativeLibrary(); // ~1 s of dynamic linking, overlapped with parsing and reading files
        }
        CommandLine cl = new CommandLine(new UsrnetCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(t -> EXIT_FAILURE);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("usrnet: " + ex.getMessage());
            CommandLine failed = ex.getCommandLine();
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parsed) -> {
            err.println("usrnet: error: " + describe(ex));
            if (isDebug(parsed)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Sets what must be set before DJL loads: offline mode (DJL otherwise contacts the network at
     * engine start-up) and quiet logging. Values the user set explicitly are kept.
     */
    static void prepareEnvironment() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // DJL warns on every start that it found no CUDA driver; this CPU build never uses one
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
        }
        // DJL's CUDA probe at engine start-up (~0.5 s: JNA's stub unpacked, libcudart looked for and
        // loaded) is skipped by the prior's engine start-up (PriorEngine) for this CPU-only engine; JNA
        // itself stays usable, as the start-up needs it to set libtorch's log level.
    }

    /** Whether the command will run the network (so that loading PyTorch early pays off). */
    static boolean needsEngine(String[] args) {
        if (args.length == 0 || !ENGINE_COMMANDS.contains(args[0])) {
            return false;
        }
        for (String a : args) {
            if (HELP_OPTIONS.contains(a)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** One line saying what went wrong, without the exception's class name where it adds nothing. */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            ex = u.getCause();
        }
        if (ex instanceof NoSuchFileException e) {
            return e.getReason() != null ? e.getFile() + ": " + e.getReason() : "file not found: " + e.getFile();
        }
        if (ex instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (ex instanceof FileSystemException e && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        if (ex instanceof InvalidFileException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException || ex instanceof IOException) {
            String m = ex.getMessage();
            return m != null ? m.replace('\n', ' ') : ex.getClass().getSimpleName();
        }
        String m = ex.getMessage();
        return "internal error (" + ex.getClass().getSimpleName() + (m != null ? ": " + m : "")
                + "); run again with --debug and report it";
    }

    /** Version from the jar manifest, if packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = UsrnetCli.class.getPackage().getImplementationVersion();
            return new String[] {"usrnet " + (v != null ? v : "(development build)")};
        }
    }
}
