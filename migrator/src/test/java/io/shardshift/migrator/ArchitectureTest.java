package io.shardshift.migrator;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module and package rules of the product, checked against the main classes of every module on this
 * module's test class path (migrator sees all product modules, and testkit and devstack at test scope).
 * A new package must be added to {@link #MODULES} (or {@link #NOT_PRODUCT}) before its classes pass.
 */
@AnalyzeClasses(packages = "io.shardshift",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.DoNotIncludeTestJars.class})
class ArchitectureTest {

    /** Each product module and the packages it owns (with their subpackages). */
    static final Map<String, List<String>> MODULES = modules();

    /** Packages that are not product code: the test and demo harness, the tools, the docs generator. */
    static final List<String> NOT_PRODUCT = List.of(
            "io.shardshift.testkit", "io.shardshift.tools", "io.shardshift.devstack", "io.shardshift.topologydocs");

    /** The feature packages, which the application layer (migrator) sits on and never the other way round. */
    static final List<String> FEATURES = List.of(
            "io.shardshift.core", "io.shardshift.cdc", "io.shardshift.sink", "io.shardshift.client",
            "io.shardshift.engine", "io.shardshift.verify", "io.shardshift.plan",
            "io.shardshift.cutover", "io.shardshift.rebalance", "io.shardshift.audit");

    private static Map<String, List<String>> modules() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("core", List.of("io.shardshift.core"));
        m.put("cdc-source", List.of("io.shardshift.cdc"));
        m.put("sink-pg", List.of("io.shardshift.sink.pg"));
        m.put("sink-solr", List.of("io.shardshift.sink.solr"));
        m.put("client", List.of("io.shardshift.client"));
        m.put("engine", List.of("io.shardshift.engine"));
        m.put("verify", List.of("io.shardshift.verify"));
        m.put("plan", List.of("io.shardshift.plan"));
        m.put("cutover", List.of("io.shardshift.cutover", "io.shardshift.rebalance", "io.shardshift.audit"));
        m.put("migrator", List.of("io.shardshift.migrator"));
        return m;
    }

    @ArchTest
    static final ArchRule everyClassBelongsToAModule = classes()
            .that().resideInAPackage("io.shardshift..")
            .should().resideInAnyPackage(withSubpackages(Stream.concat(
                    MODULES.values().stream().flatMap(List::stream), NOT_PRODUCT.stream()).toList()))
            .as("every io.shardshift class belongs to a module of ArchitectureTest.MODULES or to NOT_PRODUCT")
            .because("the internal-package rule only protects packages whose module it knows");

    @ArchTest
    static final ArchRule internalPackagesOnlyFromTheirModule = internalPackageRules();

    private static ArchRule internalPackageRules() {
        List<ArchRule> rules = new ArrayList<>();
        MODULES.forEach((module, packages) -> {
            for (String pkg : packages) {
                rules.add(noClasses()
                        .that().resideOutsideOfPackages(withSubpackages(packages))
                        .should().dependOnClassesThat().resideInAPackage(pkg + "..internal..")
                        .as("the internal packages under " + pkg + " are used only from module " + module)
                        .because("internal packages are a module's private implementation; give the module a"
                                + " public type for what another module needs"));
            }
        });
        return CompositeArchRule.of(rules).as("internal packages are used only from the module that owns them");
    }

    @ArchTest
    static final ArchRule featuresDoNotUseTheApplicationLayer = noClasses()
            .that().resideInAnyPackage(withSubpackages(FEATURES))
            .should().dependOnClassesThat().resideInAnyPackage("io.shardshift.migrator.http..", "io.shardshift.migrator.cli..")
            .as("feature packages do not use the CLI or the HTTP API (io.shardshift.migrator.cli, .http)")
            .because("the application layer depends on the features, never the reverse");

    @ArchTest
    static final ArchRule coreIsPure = noClasses()
            .that().resideInAPackage("io.shardshift.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "java.sql..", "javax.sql..", "org.postgresql..", "org.apache.solr..", "io.debezium..")
            .as("core uses no Kafka, JDBC, PostgreSQL driver, Solr or Debezium")
            .because("core is the pure domain every module depends on");

    @ArchTest
    static final ArchRule sinksAndCaptureDoNotUseKafkaStreams = noClasses()
            .that().resideInAnyPackage("io.shardshift.sink..", "io.shardshift.cdc..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..")
            .as("sinks and cdc-source do not use Kafka Streams")
            .because("only the engine runs the apply topology; a sink writes events, whoever delivers them");

    @ArchTest
    static final ArchRule productDoesNotUseTestHarness = noClasses()
            .that().resideInAnyPackage(withSubpackages(MODULES.values().stream().flatMap(List::stream).toList()))
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.shardshift.testkit..", "io.shardshift.tools..", "io.shardshift.devstack..")
            .as("product code does not use testkit, tools or devstack")
            .because("those are test and demo code, on the product's class path at test scope only");

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices()
            .matching("io.shardshift.(*)..")
            .should().beFreeOfCycles()
            .as("the top-level packages of io.shardshift depend on each other without cycles");

    @ArchTest
    static final ArchRule subFeaturePackagesAreFreeOfCycles = slices()
            .assignedFrom(new SubFeatures())
            .should().beFreeOfCycles()
            .as("the second-level packages of io.shardshift (engine.lag, engine.run, sink.pg, core.spec, ...)"
                    + " depend on each other without cycles");

    /**
     * Slices one level finer than the top-level packages: {@code io.shardshift.engine.lag} is slice
     * {@code engine.lag}. An {@code internal} package belongs to its parent's slice (they use each other by
     * design), and {@code plan} is one slice: its subpackages (gather, capacity, report) are one feature.
     */
    private static final class SubFeatures implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (!pkg.startsWith("io.shardshift.")) {
                return SliceIdentifier.ignore();
            }
            String[] parts = pkg.substring("io.shardshift.".length()).split("\\.");
            if (parts.length == 1 || parts[1].equals("internal") || parts[0].equals("plan")) {
                return SliceIdentifier.of(parts[0]);
            }
            return SliceIdentifier.of(parts[0] + "." + parts[1]);
        }

        @Override
        public String getDescription() {
            return "second-level packages of io.shardshift, internal packages with their parent";
        }
    }

    private static String[] withSubpackages(List<String> packages) {
        return packages.stream().map(p -> p + "..").toArray(String[]::new);
    }

    /**
     * Leaves out the modules' test-jars (e.g. {@code shardshift-cutover-...-tests.jar}): on the class path of a
     * full {@code verify} they are jars, which {@link ImportOption.DoNotIncludeTests} does not recognise as tests.
     */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.matches(java.util.regex.Pattern.compile(".*-tests\\.jar.*"));
        }
    }
}
