#!/usr/bin/env node
import '../dist/centre/cli.js';
