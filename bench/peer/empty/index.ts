// The floor of a no-op preview (bench/peer.ts): an empty TypeScript program under the same CLI and backend.
export {};
