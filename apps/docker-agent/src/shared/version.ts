/** The agent's version as it announces itself. */
export const AGENT_VERSION = '0.1.0';
