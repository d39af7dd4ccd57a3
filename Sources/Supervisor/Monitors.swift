// Safety promise 6 (fresh frames) and the no-progress check, as small counters updated each autonomy tick.

/// Counts, per camera, the ticks since the sequence number or the pixels last changed.
/// An array, not a dictionary, so the camera reported first is the same on every run.
struct CameraMonitor: Sendable {
    struct Track: Sendable {
        var name: String
        var sequence: UInt64
        var hash: UInt64
        var sameSequenceTicks = 0
        var sameHashTicks = 0
    }
    var tracks: [Track] = []

    mutating func reset() { tracks.removeAll(keepingCapacity: true) }

    /// Updates the counters; returns the first stale or frozen camera. A camera missing from this tick's
    /// stamps counts as not having delivered a new frame.
    mutating func update(_ stamps: [CameraStamp], staleAfter: Int, frozenAfter: Int) -> (SupervisorException, String)? {
        for i in tracks.indices where !stamps.contains(where: { $0.name == tracks[i].name }) {
            tracks[i].sameSequenceTicks += 1
        }
        for st in stamps {
            if let i = tracks.firstIndex(where: { $0.name == st.name }) {
                if st.sequence == tracks[i].sequence { tracks[i].sameSequenceTicks += 1 } else {
                    tracks[i].sequence = st.sequence
                    tracks[i].sameSequenceTicks = 0
                }
                if st.contentHash == tracks[i].hash { tracks[i].sameHashTicks += 1 } else {
                    tracks[i].hash = st.contentHash
                    tracks[i].sameHashTicks = 0
                }
            } else {
                tracks.append(Track(name: st.name, sequence: st.sequence, hash: st.contentHash))
            }
        }
        for t in tracks where t.sameSequenceTicks >= staleAfter {
            return (.staleCamera, "camera '\(t.name)' has delivered no new frame for \(t.sameSequenceTicks) ticks")
        }
        for t in tracks where t.sameHashTicks >= frozenAfter {
            return (.frozenCamera, "camera '\(t.name)' has sent identical images for \(t.sameHashTicks) ticks")
        }
        return nil
    }
}

/// Seconds since the end effector or gripper last moved by more than epsilon.
struct ProgressMonitor: Sendable {
    var anchor: SIMD3<Double>?
    var anchorGripper = 0.0
    var anchorTime = 0.0

    mutating func reset() { anchor = nil }

    mutating func update(position: SIMD3<Double>, gripper: Double, now: Double, epsilon: Double) -> Double {
        if let a = anchor {
            let d = position - a
            let moved = (d * d).sum().squareRoot() > epsilon || abs(gripper - anchorGripper) > epsilon
            if !moved { return now - anchorTime }
        }
        anchor = position
        anchorGripper = gripper
        anchorTime = now
        return 0
    }
}
