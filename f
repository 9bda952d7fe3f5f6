forward 5s
left
forward 5s
