#!/usr/bin/env node
/**
 * The `wisp` command. Each subcommand lives in its own file under cli/src/commands.
 */
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2));
