// ESLint flat config: the recommended rules of ESLint and typescript-eslint over every TypeScript file
// (`npm run lint`, tier `lint` of scripts/test-all.sh). Formatting is prettier's job (.prettierrc.json), not ESLint's.
// Deliberate exceptions are marked where they are (`eslint-disable-next-line <rule> -- why`); the options below
// are the project's conventions, not switched-off rules.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    { ignores: ["node_modules/", ".local/", "bench/results/"] },
    {
        files: ["**/*.ts"],
        extends: [js.configs.recommended, tseslint.configs.recommended],
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            // a leading "_" marks a parameter or binding that is unused on purpose (an interface's signature, a
            // destructured field left out)
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    destructuredArrayIgnorePattern: "^_",
                    caughtErrors: "none",
                },
            ],
        },
    },
    {
        files: ["tests/**/*.ts"],
        rules: {
            // turned off in tests: expected CLI output is quoted literally, and "  - ovirt-24" reads better than " {2}- ovirt-24"
            "no-regex-spaces": "off",
        },
    },
);
