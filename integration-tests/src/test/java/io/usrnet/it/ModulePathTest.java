package io.usrnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptors of the library: the consumer program of {@link ConsumerProjectTest}, made a
 * module that requires {@code usrnet.core} alone, compiled and run on the module path of a fresh JVM
 * (the consumer's run-time dependencies, but for the PyTorch native jar, which is no valid automatic
 * module and stays on the class path); what each library module exports; and that no DJL type shows
 * in an exported package's signatures.
 */
class ModulePathTest {
    private static final List<String> EXPECTED = List.of("restored 3x48x48");

    /** The only dependency that cannot be a module: its Automatic-Module-Name is not a Java name. */
    private static final String NATIVE_JAR = "pytorch-native-cpu-";

    @TempDir
    static Path work;

    private static List<Path> modulePath;
    private static List<Path> classPath;
    private static Path program;

    @BeforeAll
    static void compileTheProgramAsAModule() throws IOException, URISyntaxException {
        String cp = Files.readString(Path.of(System.getProperty("usrnet.it.classpath"))).strip();
        Map<Boolean, List<Path>> split = Arrays.stream(cp.split(File.pathSeparator)).map(Path::of)
                .collect(Collectors.partitioningBy(p -> p.getFileName().toString().startsWith(NATIVE_JAR)));
        modulePath = split.get(false);
        classPath = split.get(true);
        Path src = Files.createDirectories(work.resolve("src"));
        Path source = Path.of(ModulePathTest.class.getResource("/consumer/RestoreExample.java").toURI());
        Path example = Files.writeString(Files.createDirectories(src.resolve("example")).resolve("RestoreExample.java"),
                "package example;\n\n" + Files.readString(source));
        Path descriptor = Files.writeString(src.resolve("module-info.java"),
                "module example {\n    requires usrnet.core;\n}\n");
        program = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", program.toString(), "--module-path", join(modulePath),
                descriptor.toString(), example.toString());
        assertThat(rc).as("javac").isZero();
    }

    @Test
    void everyDependencyButTheNativeJarIsAModule() {
        assertThat(classPath).hasSize(1);
        for (Path p : modulePath) {
            assertThat(ModuleFinder.of(p).findAll()).as("%s", p).hasSize(1);
        }
        assertThat(descriptor("usrnet.core").isAutomatic()).isFalse();
    }

    @Test
    void onTheModulePathItPrintsOnlyItsOwnOutput() throws Exception {
        FreshJvm.Output out = run(modulePath);
        assertThat(out.stderr()).as("stderr").isEmpty();
        assertThat(out.stdout()).as("stdout").isEqualTo(EXPECTED);
    }

    @Test
    void withALoggingProviderModuleAtWarnItPrintsOnlyItsOwnOutput() throws Exception {
        List<Path> path = new ArrayList<>(modulePath);
        path.add(Path.of(org.slf4j.simple.SimpleLogger.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        FreshJvm.Output out = run(path, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        assertThat(out.stderr()).as("stderr").isEmpty();
        assertThat(out.stdout()).as("stdout").isEqualTo(EXPECTED);
    }

    @Test
    void theLibraryModulesExportTheirApiPackagesAndOpenNone() {
        assertThat(exports("usrnet.core")).containsExactly("io.usrnet.core", "io.usrnet.core.io",
                "io.usrnet.core.metrics", "io.usrnet.core.weights");
        assertThat(exports("usrnet.prior")).containsExactly("io.usrnet.prior",
                "io.usrnet.prior.djl to [usrnet.train]");
        assertThat(exports("usrnet.data")).containsExactly("io.usrnet.data", "io.usrnet.data.io");
        assertThat(exports("usrnet.hyper")).containsExactly("io.usrnet.hyper");
        for (String module : List.of("usrnet.core", "usrnet.prior", "usrnet.data", "usrnet.hyper")) {
            ModuleDescriptor d = descriptor(module);
            assertThat(d.isOpen() || !d.opens().isEmpty()).as("%s opens packages", module).isFalse();
        }
    }

    @Test
    void noDjlTypeInTheSignaturesOfPackagesExportedToAll() throws Exception {
        List<String> found = new ArrayList<>();
        for (String module : List.of("usrnet.core", "usrnet.prior", "usrnet.data", "usrnet.hyper")) {
            for (Class<?> c : exportedClasses(module)) {
                found.addAll(djlTypesIn(c));
            }
        }
        assertThat(found).isEmpty();
    }

    private static FreshJvm.Output run(List<Path> path, String... jvmOptions) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(jvmOptions));
        arguments.addAll(List.of("--module-path", join(path) + File.pathSeparator + program,
                "-cp", join(classPath), "-m", "example/example.RestoreExample"));
        return FreshJvm.run(arguments);
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static ModuleReference module(String name) {
        return ModuleFinder.of(modulePath.toArray(Path[]::new)).find(name)
                .orElseThrow(() -> new AssertionError("no module " + name + " on " + modulePath));
    }

    private static ModuleDescriptor descriptor(String name) {
        return module(name).descriptor();
    }

    /** The exports of a module, sorted: "package", or "package to [modules]" for a qualified export. */
    private static Set<String> exports(String module) {
        return descriptor(module).exports().stream()
                .map(e -> e.isQualified() ? e.source() + " to " + new TreeSet<>(e.targets()) : e.source())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The public classes (nested ones too) of a module's packages that are exported to every module. */
    private static List<Class<?>> exportedClasses(String module) throws IOException, ClassNotFoundException {
        Set<String> packages = descriptor(module).exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        List<String> names;
        try (ModuleReader reader = module(module).open(); Stream<String> entries = reader.list()) {
            names = entries.filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> packages.contains(n.substring(0, n.lastIndexOf('.'))))
                    .sorted().toList();
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            // this test's class path holds the same library (integration-tests depends on usrnet-core)
            Class<?> c = Class.forName(name, false, ModulePathTest.class.getClassLoader());
            if (isVisible(c)) {
                classes.add(c);
            }
        }
        assertThat(classes).as("public classes of %s", module).isNotEmpty();
        return classes;
    }

    /** Public, and so are the classes it is nested in. */
    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return !c.isSynthetic() && !c.isAnonymousClass();
    }

    /** "where: type" for each DJL type in the API of a class: supertypes, public and protected members. */
    private static List<String> djlTypesIn(Class<?> c) {
        Map<String, Type> api = new TreeMap<>();
        api.put(c.getName() + " extends", c.getGenericSuperclass());
        for (Type t : c.getGenericInterfaces()) {
            api.put(c.getName() + " implements " + t.getTypeName(), t);
        }
        boolean subclassable = !Modifier.isFinal(c.getModifiers());
        for (Field f : c.getDeclaredFields()) {
            if (isApi(f.getModifiers(), subclassable)) {
                api.put(c.getName() + "." + f.getName(), f.getGenericType());
            }
        }
        List<Executable> executables = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
        executables.addAll(Arrays.<Constructor<?>>asList(c.getDeclaredConstructors()));
        for (Executable e : executables) {
            if (!isApi(e.getModifiers(), subclassable) || e.isSynthetic()) {
                continue;
            }
            String where = c.getName() + "." + e.getName() + Arrays.stream(e.getParameterTypes())
                    .map(Class::getTypeName).collect(Collectors.joining(", ", "(", ")"));
            if (e instanceof Method m) {
                api.put(where + " returns", m.getGenericReturnType());
            }
            Type[] parameters = e.getGenericParameterTypes();
            for (int i = 0; i < parameters.length; i++) {
                api.put(where + " parameter " + i, parameters[i]);
            }
            Type[] exceptions = e.getGenericExceptionTypes();
            for (int i = 0; i < exceptions.length; i++) {
                api.put(where + " throws " + i, exceptions[i]);
            }
        }
        List<String> found = new ArrayList<>();
        api.forEach((where, type) -> {
            if (type != null && mentionsDjl(type)) {
                found.add(where + ": " + type.getTypeName());
            }
        });
        return found;
    }

    private static boolean isApi(int modifiers, boolean subclassable) {
        return Modifier.isPublic(modifiers) || (subclassable && Modifier.isProtected(modifiers));
    }

    private static boolean mentionsDjl(Type type) {
        return mentionsDjl(type, new HashSet<>());
    }

    private static boolean mentionsDjl(Type type, Set<TypeVariable<?>> seen) {
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            return c.getName().startsWith("ai.djl.");
        }
        if (type instanceof ParameterizedType p) {
            return mentionsDjl(p.getRawType(), seen)
                    || Arrays.stream(p.getActualTypeArguments()).anyMatch(t -> mentionsDjl(t, seen));
        }
        if (type instanceof GenericArrayType a) {
            return mentionsDjl(a.getGenericComponentType(), seen);
        }
        if (type instanceof WildcardType w) {
            return Stream.concat(Arrays.stream(w.getUpperBounds()), Arrays.stream(w.getLowerBounds()))
                    .anyMatch(t -> mentionsDjl(t, seen));
        }
        if (type instanceof TypeVariable<?> v && seen.add(v)) { // T extends Comparable<T>: each bound once
            return Arrays.stream(v.getBounds()).anyMatch(t -> mentionsDjl(t, seen));
        }
        return false;
    }
}
