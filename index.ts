// The ovirt-ci program's entry (docs/program.md). An async entry point, as Pulumi's nodejs runtime documents it: the
// language host awaits the function the module exports and takes the object it returns as the stack's outputs
// (@pulumi/pulumi 3.270.0 cmd/run/run.js). So the order is plain code: the configuration is loaded and validated
// (an invalid stack, including leases that do not fit the hosts, fails with one ConfigError), the preflight checks
// run (the scale-down guard, the proxy target's own checks, Vault: components/preflight.ts), and only then does any
// resource register (components/stack.ts). A failure before registers nothing, in preview and up alike.
import { preflight } from "./components/preflight";
import { defineStack } from "./components/stack";
import { loadConfig } from "./lib/config";

export = async () => {
    const config = loadConfig();
    // A local stack's proxy is the workshop's sandbox: loading local/proxyTarget.ts registers its target for
    // serviceMode "local" (lib/proxy/targets.ts). Composed here, so no component knows it and a real stack never
    // loads the workshop.
    if (config.proxyVm.serviceMode === "local") await import("./local/proxyTarget");
    await preflight(config);
    return defineStack(config);
};
