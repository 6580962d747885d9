"""Who works with the youth: assigning a coach (one youth or many from the register
list), handing a leaving coach's caseload over, the caseload history and the "Mina
ungdomar" panel."""
