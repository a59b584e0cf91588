"""Where and when remote sessions can happen: centres, desks, subjects, slots."""
