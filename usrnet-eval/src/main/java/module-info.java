/** The paper's Table-1 harness on usrnet-java: evaluation, reports and contact sheets. */
module usrnet.eval {
    requires transitive usrnet.core;

    exports io.usrnet.eval;
}
