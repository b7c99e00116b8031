package io.usrnet.core.weights;

import io.usrnet.data.io.InvalidFileException;
import java.nio.file.Path;

/**
 * A PyTorch checkpoint was refused because its pickle references or does something a plain
 * {@code state_dict} never does (for instance {@code os.system}, {@code builtins.eval}, a custom
 * class, or an object-building opcode). Loading such a file with {@code torch.load} would run
 * whatever it names; here nothing it names is ever constructed.
 */
public final class UnsafeCheckpointException extends InvalidFileException {
    private static final long serialVersionUID = 1L;

    private final String reference;

    /**
     * @param file      the checkpoint
     * @param reference what was refused (a {@code module.name}, or a pickle opcode name)
     * @param problem   the full explanation
     */
    public UnsafeCheckpointException(Path file, String reference, String problem) {
        super(file, problem);
        this.reference = reference;
    }

    /** What was refused: the {@code module.name} the pickle referenced, or an opcode name. */
    public String reference() {
        return reference;
    }
}
