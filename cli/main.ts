import { installInterruptHandler } from './interrupt.js';
import { run } from './program.js';

// The SDK's notice about Node versions it will drop in 2027 is nothing for an operator to act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

installInterruptHandler((code) => process.exit(code));
const status = await run(process.argv);
// Set, not exit(): stdout may still be draining into a pipe.
process.exitCode = status;
